/* Subjects, knowledge points with prerequisites, and the item bank: list, add, change, delete. */
(() => {
  const {t, el, api, guard, flash, table} = X;
  const pick = document.getElementById('subject-pick');
  const kpForm = document.getElementById('kp-form');
  const itemForm = document.getElementById('item-form');
  let points = [];
  let editedDifficulty = null; // an edited item keeps its calibrated difficulty
  const prerequisites = X.pointPicker(document.getElementById('kp-prerequisites'), [], {name: 'prerequisiteIds'});
  const itemPoints = X.pointPicker(document.getElementById('item-kps'), [], {name: 'kpIds', required: true});

  async function subjects() {
    const all = await api('GET', '/api/subjects');
    X.list(document.getElementById('subjects'), all, s => el('li', {}, `${s.name}${t('paren', s.code)}`));
    const current = pick.value;
    pick.replaceChildren(...all.map(s => el('option', {value: s.id}, s.name)));
    if (current) pick.value = current;
    await load();
  }

  async function load() {
    if (!pick.value) return;
    points = await api('GET', `/api/knowledge-points?subjectId=${pick.value}`);
    const name = Object.fromEntries(points.map(k => [k.id, k.name]));
    X.list(document.getElementById('kps'), points.length ? [points] : [], rows => table(
      ['curriculum.code', 'curriculum.name', 'curriculum.prerequisites', ''],
      rows.map(k => [k.code, k.name, k.prerequisiteIds.map(id => name[id]).join(t('sep.list')), el('span', {},
        el('button', {type: 'button', class: 'link', 'aria-label': `${t('curriculum.edit')} ${k.name}`, onclick: () => editPoint(k)}, t('curriculum.edit')), ' ',
        el('button', {type: 'button', class: 'link', 'aria-label': `${t('curriculum.delete')} ${k.name}`, onclick: () => guard(async () => {
          if (!confirm(t('curriculum.confirm-delete', k.name))) return;
          await api('DELETE', `/api/knowledge-points/${k.id}`);
          await load();
        })}, t('curriculum.delete')))])));
    prerequisites.replace(points);
    itemPoints.replace(points);
    const items = await api('GET', `/api/items?subjectId=${pick.value}&limit=500`);
    X.list(document.getElementById('items'), items.length ? [items] : [], rows => table(
      ['curriculum.code', 'curriculum.type', 'curriculum.stem', ''],
      rows.map(i => [i.code || String(i.id), t(`item-type.${i.type}`), i.stem.length > 60 ? `${i.stem.slice(0, 60)}…` : i.stem,
        el('span', {}, el('button', {type: 'button', class: 'link', 'aria-label': `${t('curriculum.edit')} ${i.code || i.id}`, onclick: () => editItem(i)}, t('curriculum.edit')), ' ',
          el('button', {type: 'button', class: 'link', 'aria-label': `${t('curriculum.delete')} ${i.code || i.id}`, onclick: () => guard(async () => {
            if (!confirm(t('curriculum.confirm-delete', i.code || i.id))) return;
            await api('DELETE', `/api/items/${i.id}`);
            await load();
          })}, t('curriculum.delete')))])));
  }

  function editPoint(k) {
    for (const name of ['id', 'code', 'name', 'unit', 'grade', 'description']) kpForm.elements[name].value = k[name] ?? '';
    prerequisites.set(k.prerequisiteIds);
    kpForm.scrollIntoView();
    kpForm.elements.code.focus();
  }

  function editItem(i) {
    for (const name of ['id', 'code', 'type', 'bloomLevel', 'stem', 'answerKey']) itemForm.elements[name].value = i[name] ?? '';
    itemForm.elements.options.value = (i.options || []).join('\n');
    editedDifficulty = i.difficulty ?? null;
    itemPoints.set(i.kpIds);
    itemForm.scrollIntoView();
    itemForm.elements.stem.focus();
  }

  X.onSubmit(document.getElementById('subject-form'), async (fields, form) => {
    await api('POST', '/api/subjects', fields);
    form.reset();
    await subjects();
  });

  X.onSubmit(kpForm, async fields => {
    const body = {subjectId: Number(pick.value), code: fields.code, name: fields.name, description: fields.description,
      unit: fields.unit, grade: fields.grade ? Number(fields.grade) : null,
      prerequisiteIds: prerequisites.values()};
    if (fields.id) await api('PUT', `/api/knowledge-points/${fields.id}`, body);
    else await api('POST', '/api/knowledge-points', body);
    kpForm.reset();
    flash(t('curriculum.saved'), 'note');
    await load();
  });

  X.onSubmit(itemForm, async fields => {
    const choice = fields.type === 'SINGLE_CHOICE' || fields.type === 'MULTIPLE_CHOICE';
    const body = {subjectId: Number(pick.value), code: fields.code, type: fields.type, bloomLevel: fields.bloomLevel,
      stem: fields.stem, answerKey: fields.answerKey, kpIds: itemPoints.values(),
      options: choice ? (fields.options || '').split('\n').map(s => s.trim()).filter(Boolean) : null,
      difficulty: fields.id ? editedDifficulty : null};
    if (fields.id) await api('PUT', `/api/items/${fields.id}`, body);
    else await api('POST', '/api/items', body);
    itemForm.reset();
    flash(t('curriculum.saved'), 'note');
    await load();
  });

  // A hidden field keeps its value through a form reset: "new" must forget which record was being edited.
  for (const form of [kpForm, itemForm]) {
    form.addEventListener('reset', () => {
      form.elements.id.value = '';
      editedDifficulty = null;
    });
  }
  pick.addEventListener('change', () => guard(load));
  guard(subjects);
})();
