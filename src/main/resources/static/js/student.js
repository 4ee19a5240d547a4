/* One student, for their teacher: mastery, path with the teacher's decisions and goal, recent answers, chats. */
(() => {
  const {t, el, api, guard, flash, list, percent, dateTime} = X;
  const student = document.getElementById('main').dataset.student;
  const kpNames = {};
  const goalPoints = X.pointPicker(document.getElementById('goal-kps'), [], {name: 'kpIds'});

  async function info() {
    const s = await api('GET', `/api/students/${student}`);
    document.getElementById('student-name').textContent = s.displayName;
    document.getElementById('student-meta').textContent = `${s.username} · ${s.classes.map(c => c.name).join(t('sep.list'))}`;
    document.title = `${s.displayName} · ${t('app.name')}`;
  }

  async function mastery() {
    const m = await api('GET', `/api/students/${student}/mastery`);
    m.knowledgePoints.forEach(k => { kpNames[k.kpId] = k.name; });
    document.getElementById('mastery').replaceChildren(el('table', {},
      el('thead', {}, el('tr', {}, ['class.kp', 'student.probability', 'student.level', 'student.attempts', 'student.explanation']
        .map(k => el('th', {scope: 'col'}, t(k))))),
      el('tbody', {}, m.knowledgePoints.map(k => el('tr', {},
        el('td', {}, `${k.code} ${k.name}`), el('td', {}, percent(k.probability)), el('td', {}, k.levelLabel),
        el('td', {}, `${k.correct}/${k.attempts}`), el('td', {class: 'small'}, k.explanation))))));
    const options = m.knowledgePoints.map(k => el('option', {value: k.kpId}, `${k.code} ${k.name}`));
    document.getElementById('override-kp').replaceChildren(...options);
    const goal = await api('GET', `/api/students/${student}/path-goal`);
    goalPoints.replace(m.knowledgePoints.map(k => ({id: k.kpId, code: k.code, name: k.name})), goal.kpIds);
  }

  async function path() {
    const p = await api('GET', `/api/students/${student}/path`);
    list(document.getElementById('path'), p.steps, s => el('li', {},
      el('strong', {}, s.name), ` · ${t(`path.kind.${s.kind}`)} · `, s.explanation), 'path.empty');
    const overrides = await api('GET', `/api/students/${student}/path/overrides`);
    list(document.getElementById('overrides'), overrides, o => el('li', {},
      `${t(`student.action.${o.action}`)}${t('sep.colon')}${o.reason}${t('paren', o.setByName)}`, ' ',
      el('button', {type: 'button', class: 'link', 'aria-label': t('student.remove-named', o.kpId in kpNames ? kpNames[o.kpId] : o.kpId),
        onclick: () => guard(async () => {
        await api('DELETE', `/api/students/${student}/path/overrides/${o.kpId}`);
        await path();
      })}, t('student.remove'))));
    const history = await api('GET', `/api/students/${student}/path/history?limit=10`);
    list(document.getElementById('history'), history, h => el('li', {},
      `${dateTime(h.plannedAt)} · ${t(`student.cause.${h.cause}`)}${t('sep.colon')}`, h.steps.map(s => s.name).join(' → ')));
  }

  async function responses() {
    const all = await api('GET', `/api/students/${student}/responses?limit=20`);
    X.list(document.getElementById('responses'), all.length ? [all] : [], rows => X.table(
      ['class.item', 'student.answer', 'student.correct', 'student.source', 'student.when'],
      rows.map(r => [r.itemCode, r.answer || '', r.correct === null ? '—' : r.correct ? '✓' : '✗',
        t(`student.source.${r.source}`), dateTime(r.answeredAt)])));
  }

  X.onSubmit(document.getElementById('override-form'), async fields => {
    await api('PUT', `/api/students/${student}/path/overrides/${fields.kpId}`, {action: fields.action, reason: fields.reason});
    document.getElementById('override-form').reset();
    flash(t('student.saved'), 'note');
    await path();
  });
  X.onSubmit(document.getElementById('goal-form'), async () => {
    await api('PUT', `/api/students/${student}/path-goal`, {kpIds: goalPoints.values()});
    flash(t('student.saved'), 'note');
    await path();
  });

  guard(info);
  guard(mastery);
  guard(path);
  guard(responses);
  guard(() => Conversations.ofStudent(student, document.getElementById('conversation-list'), document.getElementById('transcript')));
})();
