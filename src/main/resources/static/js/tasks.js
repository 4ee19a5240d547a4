/* A student's tasks: the assignments teachers gave, answered in the page (saved as they go), submitted once. */
(() => {
  const {t, el, api, guard, flash, markdown, dateTime, percent} = X;
  const section = document.getElementById('task');
  let current = null;

  /** Due soon, overdue, done: the three lists a student looks at, each due soonest first. */
  function group(task) {
    if (task.submittedAt) {
      return 'done';
    }
    return task.dueAt && new Date(task.dueAt) < new Date() ? 'overdue' : 'todo';
  }

  async function load() {
    const tasks = await api('GET', '/api/me/tasks');
    for (const name of ['todo', 'overdue', 'done']) {
      const mine = tasks.filter(task => group(task) === name);
      document.getElementById(`tasks-${name}-box`).hidden = name !== 'todo' && mine.length === 0;
      X.list(document.getElementById(`tasks-${name}`), mine, task => el('li', {dataset: {task: task.assignmentId}},
        el('button', {type: 'button', class: 'link', onclick: () => guard(() => open(task.assignmentId))}, task.title),
        task.kind === 'LIVE' && task.status === 'PUBLISHED' && !task.submittedAt ? el('span', {class: 'badge'}, t('tasks.live')) : '',
        ' ', el('span', {class: 'muted small'}, [task.dueAt ? t('tasks.due', dateTime(task.dueAt)) : t('tasks.no-due'),
          t(`tasks.state.${task.state}`)].join(t('sep.list'))),
        task.note ? el('p', {class: 'note small'}, task.note) : ''), `tasks.empty-${name}`);
    }
    return tasks;
  }

  async function open(id) {
    const view = await api('GET', `/api/me/tasks/${id}`);
    current = view;
    const done = view.task.state === 'SUBMITTED' || view.task.state === 'LATE';
    const feedback = Object.fromEntries(view.feedback.map(f => [f.itemId, f]));
    section.hidden = false;
    document.getElementById('task-title').textContent = view.task.title;
    document.getElementById('task-note').textContent = view.task.note || '';
    document.getElementById('task-due').textContent = view.task.dueAt ? t('tasks.due', dateTime(view.task.dueAt)) : t('tasks.no-due');
    document.getElementById('task-items').replaceChildren(...view.items.map(item => itemForm(item, view.saved[item.itemId],
      done, feedback[item.itemId])));
    document.getElementById('task-submit').hidden = done;
    const retry = document.getElementById('task-retry');
    retry.hidden = !done || view.task.attempt >= view.task.attempts || view.task.status !== 'PUBLISHED';
    retry.textContent = t('tasks.retry', view.task.attempt + 1, view.task.attempts);
    document.getElementById('task-result').textContent = done
      ? t('tasks.submitted', view.task.score === null ? '—' : percent(view.task.score)) : '';
    section.scrollIntoView({block: 'start'});
  }

  function itemForm(item, saved, done, feedback) {
    const name = `answer-${item.itemId}`;
    const li = el('li', {class: 'item', dataset: {item: item.itemId}});
    const stem = el('div', {class: 'stem markdown'});
    markdown(stem, item.stem);
    li.append(el('p', {class: 'muted small'}, t('path.item', item.code)), stem);
    if (item.type === 'SINGLE_CHOICE' || item.type === 'MULTIPLE_CHOICE') {
      const group = X.choices(item, name, {chosen: saved || '', disabled: done});
      group.addEventListener('change', () => save(item, [...group.querySelectorAll('input:checked')].map(i => i.value).join('')));
      li.append(group);
    } else {
      const input = el(item.type === 'OPEN' ? 'textarea' : 'input', {name, autocomplete: 'off', disabled: done,
        'aria-label': t('path.your-answer')});
      input.value = saved || '';
      input.addEventListener('change', () => save(item, input.value.trim()));
      li.append(el('label', {}, t('path.your-answer'), input));
      if (item.type === 'OPEN' && !done) {
        // Written on paper: a photo, read by the model into the answer; the teacher marks it.
        const photo = el('input', {type: 'file', accept: 'image/jpeg,image/png,image/webp', capture: 'environment'});
        photo.addEventListener('change', () => guard(async () => {
          if (!photo.files.length) return;
          const form = new FormData();
          form.append('image', photo.files[0]);
          document.getElementById('task-result').textContent = t('tasks.photo-reading');
          const read = await api('PUT', `/api/me/tasks/${current.task.assignmentId}/answers/${item.itemId}/photo`, form);
          input.value = read.transcription;
          document.getElementById('task-result').textContent = t('tasks.photo-read');
        }));
        li.append(el('label', {class: 'small'}, t('tasks.photo'), photo));
      }
    }
    if (feedback) {
      const mark = feedback.correct === null || feedback.correct === undefined ? t('tasks.teacher-marks')
        : feedback.correct ? t('path.correct') : t('path.incorrect');
      li.append(el('p', {class: `result ${feedback.correct ? 'good' : feedback.correct === false ? 'bad' : ''}`}, mark),
        feedback.rightAnswer ? el('p', {class: 'right-answer'}, t('path.right-answer', feedback.rightAnswer)) : '');
      if (feedback.explanation) {
        const explanation = el('div', {class: 'explanation markdown'});
        markdown(explanation, feedback.explanation);
        li.append(el('p', {class: 'muted small'}, t('tasks.explanation')), explanation);
      }
      if (feedback.points.length) {
        li.append(el('p', {class: 'muted small'}, t('tasks.points', feedback.points.join(t('sep.list')))));
      }
      // The buddy knows the conversation is about this assigned item and keeps to the school's hint policy.
      li.append(el('button', {type: 'button', class: 'secondary ask', onclick: () => guard(async () => {
        const conversation = await api('POST', '/api/conversations', {itemId: item.itemId, title: t('path.ask-title', item.code)});
        location.href = `/study?conversation=${conversation.id}`;
      })}, t('tasks.ask-buddy')));
    }
    return li;
  }

  function save(item, answer) {
    guard(async () => {
      await api('PUT', `/api/me/tasks/${current.task.assignmentId}/answers/${item.itemId}`, {answer});
      document.getElementById('task-result').textContent = t('tasks.saved');
    });
  }

  document.getElementById('task-submit').addEventListener('click', event => guard(async () => {
    event.target.disabled = true;
    try {
      await api('POST', `/api/me/tasks/${current.task.assignmentId}/submit`);
      flash(t('tasks.thanks'), 'note');
      await open(current.task.assignmentId);
      await load();
    } finally {
      event.target.disabled = false;
    }
  }));

  /** Unread reminders from teachers, each leading to its task and gone once read. */
  async function reminders() {
    const unread = (await api('GET', '/api/notifications?limit=20')).filter(n => !n.readAt && n.link);
    const box = document.getElementById('reminders');
    box.hidden = !unread.length;
    box.replaceChildren(...unread.map(n => el('li', {class: 'note'}, n.text, ' ',
      el('button', {type: 'button', class: 'link', onclick: () => guard(async () => {
        await api('POST', `/api/notifications/${n.id}/read`);
        const task = new URL(n.link, location.href).searchParams.get('task');
        await reminders();
        if (task) await open(Number(task));
      })}, t('tasks.reminder-open')))));
  }

  // A live check the teacher starts shows up without a reload.
  let known = null;
  async function refresh() {
    const tasks = await load();
    const ids = tasks.map(task => `${task.assignmentId}:${task.status}`).join();
    if (known !== null && ids !== known) {
      const started = tasks.find(task => task.kind === 'LIVE' && task.status === 'PUBLISHED' && !task.submittedAt
        && !known.includes(`${task.assignmentId}:PUBLISHED`));
      if (started && !current) {
        await open(started.assignmentId);
      }
    }
    known = ids;
  }
  document.getElementById('task-retry').addEventListener('click', () => guard(async () => {
    await api('POST', `/api/me/tasks/${current.task.assignmentId}/retry`);
    await open(current.task.assignmentId);
    await load();
  }));

  guard(async () => {
    await refresh();
    await reminders();
    const asked = new URLSearchParams(location.search).get('task');
    if (asked) await open(Number(asked));
  });
  setInterval(() => {
    if (!document.hidden) {
      refresh().catch(() => {});
    }
  }, 10000);
})();
