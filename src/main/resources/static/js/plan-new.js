/* Asks for a lesson plan and shows it being written; the plan page takes over once it has an id. */
(() => {
  const {t, el, api, guard, stream} = X;
  const form = document.getElementById('plan-form');
  const subject = document.getElementById('plan-subject');
  const kps = document.getElementById('plan-kps');

  async function loadPoints() {
    const points = await api('GET', `/api/knowledge-points?subjectId=${subject.value}`);
    kps.replaceChildren(...points.map(kp => el('option', {value: kp.id}, `${kp.code} ${kp.name}`)));
  }

  guard(async () => {
    const [classes, subjects, exemplars] = await Promise.all([api('GET', '/api/classes'), api('GET', '/api/subjects'),
      api('GET', '/api/knowledge/documents?kind=LESSON_DESIGN&limit=200')]);
    document.getElementById('plan-class').replaceChildren(...classes.map(c => el('option', {value: c.id}, c.name)));
    subject.replaceChildren(...subjects.map(s => el('option', {value: s.id}, s.name)));
    document.getElementById('plan-exemplar').append(...exemplars.filter(d => d.status === 'READY')
      .map(d => el('option', {value: d.id}, d.title)));
    await loadPoints();
  });
  subject.addEventListener('change', () => guard(loadPoints));

  X.onSubmit(form, async fields => {
    const request = Object.assign(fields, {kpIds: [...kps.selectedOptions].map(o => Number(o.value))});
    for (const key of ['classId', 'subjectId', 'exemplarDocumentId']) if (request[key]) request[key] = Number(request[key]);
    const progress = document.getElementById('plan-progress');
    const stages = document.getElementById('new-stages');
    const tokens = document.getElementById('new-tokens');
    progress.hidden = false;
    let planId = null;
    // The same key for the same click: a retry after a dropped connection finds the same plan.
    const key = crypto.randomUUID ? crypto.randomUUID() : String(Date.now());
    await stream('/api/lesson-plans', {body: request, extraHeaders: {'Idempotency-Key': key}, on: {
      plan: d => { planId = d.planId; },
      stage: d => { stages.append(el('li', {class: 'current'}, d.message)); },
      token: d => { tokens.textContent += d.text; tokens.scrollTop = tokens.scrollHeight; },
      done: d => { location.href = `/plans/${d.planId}`; },
      pending: d => { location.href = `/plans/${d.planId}`; },
      error: d => { X.flash(d.detail || t('plan.failed')); if (planId) location.href = `/plans/${planId}`; },
    }});
  });
})();
