/* Classes: create, who teaches what where, who is in which class. */
(() => {
  const {t, el, api, guard, flash, table} = X;
  const options = (id, items, label) => document.getElementById(id)
    .replaceChildren(...items.map(i => el('option', {value: i.id}, label(i))));

  async function load() {
    const [classes, teachers, students, subjects] = await Promise.all([api('GET', '/api/classes'),
      api('GET', '/api/users?role=TEACHER'), api('GET', '/api/users?role=STUDENT'), api('GET', '/api/subjects')]);
    X.list(document.getElementById('classes'), classes.length ? [classes] : [], rows => table(
      ['classes.name', 'classes.grade', 'classes.students', 'classes.teachers'],
      rows.map(c => [el('a', {href: `/classes/${c.id}`}, c.name), String(c.grade), String(c.studentCount),
        el('ul', {class: 'links'}, c.teachers.map(x => el('li', {}, `${x.subjectName} · ${x.teacherName} `,
          el('button', {type: 'button', class: 'link', 'aria-label': t('classes.unassign-named', x.teacherName),
            onclick: () => guard(async () => {
            await api('DELETE', `/api/teaching-assignments/${x.assignmentId}`);
            await load();
          })}, t('classes.unassign')))))])));
    for (const id of ['assign-class', 'enrol-class', 'members-class']) options(id, classes, c => c.name);
    options('assign-teacher', teachers, u => `${u.displayName}${t('paren', u.username)}`);
    options('enrol-student', students, u => `${u.displayName}${t('paren', u.username)}`);
    options('assign-subject', subjects, s => s.name);
    await members();
  }

  async function members() {
    const classId = document.getElementById('members-class').value;
    if (!classId) return;
    const students = await api('GET', `/api/classes/${classId}/students`);
    X.list(document.getElementById('members'), students, s => el('li', {}, `${s.displayName}${t('paren', s.username)} `,
      el('button', {type: 'button', class: 'link', 'aria-label': t('classes.remove-named', s.displayName),
        onclick: () => guard(async () => {
        await api('DELETE', `/api/classes/${classId}/students/${s.id}`);
        await load();
      })}, t('classes.remove'))));
  }

  const numbers = fields => Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, Number(v)]));
  X.onSubmit(document.getElementById('class-form'), async (fields, form) => {
    await api('POST', '/api/classes', fields);
    form.reset();
    flash(t('classes.created', fields.name), 'note');
    await load();
  });
  X.onSubmit(document.getElementById('assign-form'), async fields => {
    await api('POST', '/api/teaching-assignments', numbers(fields));
    flash(t('classes.assigned'), 'note');
    await load();
  });
  X.onSubmit(document.getElementById('enrol-form'), async fields => {
    await api('PUT', `/api/classes/${fields.classId}/students/${fields.studentId}`);
    flash(t('classes.enrolled'), 'note');
    await load();
  });
  document.getElementById('members-class').addEventListener('change', () => guard(members));
  guard(load);
})();
