/* A class's dashboard: heat map of mastery, summaries, students at risk, misconceptions, tiers, goal, photos to review. */
(() => {
  const {t, el, api, guard, flash, list, percent, dateTime} = X;
  const classId = document.getElementById('main').dataset.class;
  const LEVELS = ['NOT_STARTED', 'LEARNING', 'PARTIAL', 'MASTERED'];
  let kpNames = {};
  const atRiskPicker = X.pointPicker(document.getElementById('at-risk-kps'), [], {name: 'kpIds', required: true});
  const goalPicker = X.pointPicker(document.getElementById('goal-kps'), [], {name: 'kpIds'});

  /** A question as a line of text: its first 60 characters (shown as text, never as HTML). */
  const short = text => {
    const flat = text.replace(/\s+/g, ' ').trim();
    return flat.length > 60 ? `${flat.slice(0, 60)}…` : flat;
  };

  /** The items behind these ids, by id: each asked for once, however many parts of the page show it. */
  const asked = new Map();
  async function questionsOf(ids) {
    const unique = [...new Set(ids)];
    for (const id of unique) if (!asked.has(id)) asked.set(id, api('GET', `/api/items/${id}`));
    return Object.fromEntries(await Promise.all(unique.map(async id => [id, await asked.get(id)])));
  }

  function options(select, kps, selected = []) {
    select.replaceChildren(...kps.map(kp => el('option', {value: kp.id, selected: selected.includes(kp.id)}, `${kp.code} ${kp.name}`)));
  }

  function heatmap(mastery) {
    const chart = echarts.init(document.getElementById('heatmap'), null, {renderer: 'canvas'});
    const students = mastery.students;
    const kps = mastery.knowledgePoints;
    const data = [];
    students.forEach((s, y) => s.cells.forEach((cell, x) => data.push([x, y, Math.round(cell.probability * 100)])));
    const container = document.getElementById('heatmap');
    container.style.height = `${Math.max(22, students.length * 1.6 + 8)}rem`;
    chart.resize();
    chart.setOption({
      tooltip: {formatter: p => `${X.escape(students[p.value[1]].name)}<br>${X.escape(kps[p.value[0]].name)}: ${p.value[2]}%`},
      // The points' names along the top, where the eye starts, not under a long column of students.
      grid: {left: 90, right: 20, top: 130, bottom: 50},
      xAxis: {type: 'category', position: 'top', data: kps.map(k => k.name),
        axisLabel: {rotate: 50, interval: 0, formatter: name => name.length > 10 ? `${name.slice(0, 10)}…` : name}},
      yAxis: {type: 'category', data: students.map(s => s.name), inverse: true},
      visualMap: {min: 0, max: 100, calculable: true, orient: 'horizontal', left: 'center', bottom: 0,
        inRange: {color: ['#b91c1c', '#f59e0b', '#fde68a', '#15803d']}},
      series: [{type: 'heatmap', data, emphasis: {itemStyle: {borderColor: '#000', borderWidth: 1}}}],
    });
    chart.on('click', p => { location.href = `/students/${students[p.value[1]].id}`; });
    window.addEventListener('resize', () => chart.resize());
    container.dataset.rendered = String(data.length);
    document.getElementById('heatmap-table').replaceChildren(X.tableOf([t('class.student'), ...kps.map(k => `${k.name}${t('paren', k.code)}`)],
      students.map(s => [el('a', {href: `/students/${s.id}`}, s.name), ...s.cells.map(c => percent(c.probability))])));
    const summary = mastery.summary.map((s, i) => [`${kps[i].code} ${kps[i].name}`, percent(s.meanProbability),
      ...LEVELS.map(level => String(s.levels[level] ?? 0))]);
    document.getElementById('kp-summary').replaceChildren(
      X.tableOf([t('class.kp'), t('class.mean'), ...LEVELS.map(level => t(`level.${level}`))], summary));
  }

  async function load() {
    const info = await api('GET', `/api/classes/${classId}`);
    document.getElementById('class-name').textContent = info.name;
    document.getElementById('class-meta').textContent = t('class.meta', info.studentCount,
      info.teachers.map(x => `${x.subjectName} · ${x.teacherName}`).join(t('sep.list')));
    document.title = `${info.name} · ${t('app.name')}`;
    const mastery = await api('GET', `/api/classes/${classId}/mastery`);
    kpNames = Object.fromEntries(mastery.knowledgePoints.map(k => [k.id, k.name]));
    if (mastery.students.length && mastery.knowledgePoints.length) heatmap(mastery);
    else document.getElementById('heatmap').replaceChildren(el('p', {class: 'muted'}, t('class.no-data')));
    options(document.getElementById('misconception-kp'), mastery.knowledgePoints);
    const goal = await api('GET', `/api/classes/${classId}/path-goal`);
    goalPicker.replace(mastery.knowledgePoints, goal.kpIds);
    await summary(mastery);
  }

  /**
   * The ten-second read: the coming lesson (the newest plan for this class) and its points, who
   * needs help on them (else on the class's weakest points), the weakest points, what waits.
   */
  async function summary(mastery) {
    const kps = mastery.knowledgePoints;
    const weakest = mastery.summary.map((s, i) => ({kp: kps[i], mean: s.meanProbability,
      notMastered: mastery.students.length - (s.levels.MASTERED ?? 0)}))
      .filter(w => w.mean !== null && w.mean !== undefined).sort((a, b) => a.mean - b.mean).slice(0, 3);
    list(document.getElementById('summary-weak'), weakest, w => el('li', {},
      t('class.summary-weak-point', w.kp.name, percent(w.mean), w.notMastered)), 'class.no-data');
    const plans = (await api('GET', '/api/lesson-plans?limit=50')).filter(p => p.classId === Number(classId));
    const coming = plans.find(p => (p.request.kpIds || []).length);
    const known = new Set(kps.map(k => k.id));
    const points = coming ? coming.request.kpIds.filter(id => known.has(id)) : weakest.map(w => w.kp.id);
    document.getElementById('summary-lesson').replaceChildren(coming
      ? el('span', {}, t('class.summary-lesson'), el('a', {href: `/plans/${coming.id}`}, coming.request.topic || t('plans.untitled')),
        t('paren', points.map(id => kpNames[id]).join(t('sep.list'))))
      : t('class.summary-no-lesson'));
    // The at-risk list below starts from the same points.
    atRiskPicker.replace(kps, points);
    document.getElementById('at-risk-default').textContent = t(coming ? 'class.at-risk-from-lesson' : 'class.at-risk-from-weakest');
    const found = points.length ? await atRisk(points) : [];
    // Each student's three weakest points: what to help them with first.
    list(document.getElementById('summary-help'), found.slice(0, 8), s => el('li', {},
      el('a', {href: `/students/${s.studentId}`}, s.name), t('sep.colon'),
      s.weak.slice(0, 3).map(w => `${w.name} ${percent(w.probability)}`).join(t('sep.list'))), 'class.none-at-risk');
    const [marking, photosWaiting] = await Promise.all([api('GET', `/api/assignments/marking?classId=${classId}`),
      api('GET', `/api/classes/${classId}/photo-submissions?status=NEEDS_REVIEW`)]);
    document.getElementById('summary-waiting').textContent = t('class.summary-waiting', marking.length, photosWaiting.length);
  }

  async function atRisk(kpIds) {
    const found = await api('GET', `/api/classes/${classId}/at-risk?kpIds=${kpIds.join(',')}`);
    list(document.getElementById('at-risk'), found, s => el('li', {}, el('a', {href: `/students/${s.studentId}`}, s.name), t('sep.colon'),
      s.weak.map(w => `${w.name} ${percent(w.probability)}`).join(t('sep.list'))), 'class.none-at-risk');
    return found;
  }

  async function profile() {
    const p = await api('GET', `/api/classes/${classId}/profile`);
    const questions = await questionsOf(p.misconceptions.map(m => m.itemId));
    list(document.getElementById('shared-wrong'), p.misconceptions, m => el('li', {},
      t('class.shared-wrong', questions[m.itemId] ? `${short(questions[m.itemId].stem)}${t('paren', m.itemCode)}` : m.itemCode,
        m.option, m.optionText || '', m.chosenBy, percent(m.share))));
  }

  async function tiers() {
    const path = await api('GET', `/api/classes/${classId}/path`);
    document.getElementById('tiers').replaceChildren(...path.tiers.map(tier => el('details', {open: true},
      el('summary', {}, t('class.tier', tier.label, tier.students.length, percent(tier.meanMastery))),
      el('p', {class: 'small'}, t('class.focus'), tier.focus.map(f => `${f.name}${t('paren', f.students)}`).join(t('sep.list')) || '—'),
      el('ul', {class: 'links'}, tier.students.map(s => el('li', {},
        el('a', {href: `/students/${s.studentId}`}, s.name), t('sep.colon'),
        s.next ? `${s.next.name}${t('paren', t(`path.kind.${s.next.kind}`))}` : t('class.no-next')))))));
  }

  async function students() {
    const all = await api('GET', `/api/classes/${classId}/students`);
    list(document.getElementById('students'), all, s => el('li', {}, el('a', {href: `/students/${s.id}`}, s.displayName),
      ' ', el('span', {class: 'muted small'}, s.username)));
  }

  async function photos() {
    const [waiting, people] = await Promise.all([api('GET', `/api/classes/${classId}/photo-submissions?status=NEEDS_REVIEW`),
      api('GET', `/api/classes/${classId}/students`)]);
    // Who and which question, by name and text, not by number.
    const names = Object.fromEntries(people.map(s => [s.id, s.displayName]));
    const questions = await questionsOf(waiting.map(p => p.itemId));
    list(document.getElementById('photos'), waiting, p => {
      const item = questions[p.itemId];
      const form = el('form', {class: 'card'},
        el('p', {}, t('class.photo', names[p.studentId] || `#${p.studentId}`,
          item ? `${short(item.stem)}${t('paren', item.code || item.id)}` : `#${p.itemId}`, dateTime(p.createdAt))),
        el('img', {src: `/api/photo-submissions/${p.id}/image`, alt: t('class.photo-alt'), style: 'max-width:100%;max-height:20rem'}),
        el('p', {}, t('class.photo-reading', p.reading?.transcription || '', percent(p.reading?.confidence))),
        el('label', {}, t('class.photo-answer'), el('textarea', {name: 'answerText', rows: 2}, p.reading?.transcription || '')),
        el('fieldset', {}, el('legend', {}, t('class.photo-verdict')),
          el('label', {class: 'inline'}, el('input', {type: 'radio', name: 'correct', value: 'true', required: true}), t('class.photo-correct')),
          el('label', {class: 'inline'}, el('input', {type: 'radio', name: 'correct', value: 'false'}), t('class.photo-wrong'))),
        el('button', {type: 'submit'}, t('class.photo-confirm')));
      X.onSubmit(form, async fields => {
        await api('POST', `/api/photo-submissions/${p.id}/review`, {correct: fields.correct === 'true', answerText: fields.answerText});
        form.replaceWith(el('p', {class: 'note'}, t('class.photo-done')));
      });
      return form;
    });
  }

  X.onSubmit(document.getElementById('at-risk-form'), () => atRisk(atRiskPicker.values()));

  X.onSubmit(document.getElementById('misconceptions-form'), async fields => {
    const target = document.getElementById('misconceptions');
    target.replaceChildren(el('p', {role: 'status'}, t('chat.thinking')));
    const report = await api('GET', `/api/classes/${classId}/misconceptions?kpId=${fields.kpId}`);
    target.replaceChildren(
      el('p', {}, t('class.wrong-answers', report.kpName, report.wrongAnswers)),
      report.summaries.length ? el('ul', {}, report.summaries.map(s => el('li', {}, s.summary))) :
        el('p', {class: 'muted small'}, t(`misconceptions.${report.summaryStatus}`)),
      el('details', {}, el('summary', {}, t('class.groups')),
        el('ul', {}, report.groups.map(g => el('li', {}, t('class.group', g.itemCode, g.answer, g.count))))));
  });

  X.onSubmit(document.getElementById('goal-form'), async () => {
    await api('PUT', `/api/classes/${classId}/path-goal`, {kpIds: goalPicker.values()});
    flash(t('class.goal-saved'), 'note');
    guard(tiers);
  });

  document.getElementById('items-load').addEventListener('click', () => guard(async () => {
    const stats = await api('GET', `/api/insight/item-statistics?classId=${classId}`);
    document.getElementById('items').replaceChildren(X.table(
      ['class.item', 'class.answers', 'class.p-value', 'class.point-biserial', 'class.options'],
      stats.map(s => [el('span', {}, s.stem ? short(s.stem) : '', ' ', el('span', {class: 'muted small'}, t('paren', s.code))),
        String(s.answers), s.pValue === null ? '—' : s.pValue.toFixed(2),
        s.pointBiserial === null ? '—' : s.pointBiserial.toFixed(2),
        s.options.map(o => `${o.option}${o.key ? '✓' : ''} ${o.count}${o.chosenBy?.length ? `${t('paren', o.chosenBy.map(c => c.name).join(t('sep.list')))}` : ''}`).join(t('sep.semicolon'))])));
  }));

  guard(load);
  guard(profile);
  guard(tiers);
  guard(students);
  guard(photos);
})();
