/* On the student's start page: the tasks waiting for them, due soonest first, one click away. */
X.guard(async () => {
  const {t, el} = X;
  const waiting = (await X.api('GET', '/api/me/tasks')).filter(task => !task.submittedAt && task.status === 'PUBLISHED'
    && (!task.dueAt || new Date(task.dueAt) > new Date()));
  const box = document.getElementById('tasks-waiting');
  if (!box || !waiting.length) return;
  const next = waiting[0];
  box.replaceChildren(t('tasks.waiting', waiting.length), ' ',
    el('a', {href: `/study/tasks?task=${next.assignmentId}`}, next.dueAt ? t('tasks.waiting-next-due', next.title,
      X.dateTime(next.dueAt)) : t('tasks.waiting-next', next.title)));
  box.hidden = false;
});
