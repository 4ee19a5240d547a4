/* The staff start page: classes, alerts waiting, recent plans, notifications (and model health for admins). */
(() => {
  const {t, el, api, guard, list, dateTime} = X;

  guard(async () => {
    const classes = await api('GET', '/api/classes');
    list(document.getElementById('home-classes'), classes, c => el('li', {},
      el('a', {href: `/classes/${c.id}`}, c.name), ' ',
      el('span', {class: 'muted small'}, t('home.class-size', c.studentCount))));
  });
  guard(async () => {
    // The open ones: a resolved alert needs nobody any more.
    const alerts = await api('GET', '/api/alerts?status=OPEN&limit=8');
    list(document.getElementById('home-alerts'), alerts, a => el('li', {class: `severity-${a.severity.toLowerCase()}`},
      el('a', {href: `/conversations?alert=${a.id}`}, a.studentName), ' · ',
      t(`category.${a.category}`), ' ', el('span', {class: 'muted small'}, dateTime(a.createdAt))));
  });
  guard(async () => {
    const plans = await api('GET', '/api/lesson-plans?limit=6');
    list(document.getElementById('home-plans'), plans, p => el('li', {},
      el('a', {href: `/plans/${p.id}`}, p.request.topic || t('plans.untitled')), ' ',
      el('span', {class: 'muted small'}, `${t(`plan.status.${p.status}`)} · ${dateTime(p.updatedAt)}`)));
  });
  guard(async () => {
    const notifications = await api('GET', '/api/notifications?limit=8');
    list(document.getElementById('home-notifications'), notifications, n => {
      const item = el('li', {class: n.readAt ? 'muted' : ''}, n.text, ' ', el('span', {class: 'small'}, dateTime(n.createdAt)));
      if (!n.readAt) {
        item.append(' ', el('button', {type: 'button', class: 'link', onclick: () => guard(async () => {
          await api('POST', `/api/notifications/${n.id}/read`);
          item.classList.add('muted');
          item.querySelector('button').remove();
        })}, t('home.mark-read')));
      }
      return item;
    });
  });
  const models = document.getElementById('home-models');
  if (models) {
    guard(async () => {
      const health = await api('GET', '/actuator/health');
      const llm = health.components?.llm;
      const builtIn = Object.values(llm?.details || {}).some(b => b.builtIn && b.reachable === true);
      models.textContent = builtIn ? t('models.built-in') : llm?.status === 'UP' ? t('models.up') : t('models.degraded');
      models.className = builtIn ? 'note' : llm?.status === 'UP' ? 'good' : 'bad';
    });
  }
})();
