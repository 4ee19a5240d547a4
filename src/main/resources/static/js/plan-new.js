/* Asks for a lesson plan and shows it being written; the plan page takes over once it has an id. */
(() => {
  const {t, el, api, guard, stream} = X;
  const form = document.getElementById('plan-form');
  const subject = document.getElementById('plan-subject');
  const kps = X.pointPicker(document.getElementById('plan-kps'), [], {name: 'kpIds'});
  let key = null;
  let lastRequest = null;

  async function loadPoints() {
    kps.replace(await api('GET', `/api/knowledge-points?subjectId=${subject.value}`));
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
    const request = Object.assign(fields, {kpIds: kps.values()});
    for (const name of ['classId', 'subjectId', 'exemplarDocumentId']) if (request[name]) request[name] = Number(request[name]);
    const progress = document.getElementById('plan-progress');
    const stages = document.getElementById('new-stages');
    const tokens = document.getElementById('new-tokens');
    progress.hidden = false;
    let planId = null;
    // A retry of the same request (after a dropped connection, say) keeps its key and finds the same plan;
    // a changed request gets a new key.
    const asked = JSON.stringify(request);
    if (asked !== lastRequest) {
      lastRequest = asked;
      key = crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
    }
    try {
      await stream('/api/lesson-plans', {body: request, extraHeaders: {'Idempotency-Key': key}, on: {
        plan: d => { planId = d.planId; },
        stage: d => { stages.append(el('li', {class: 'current'}, d.message)); },
        token: d => { tokens.textContent += d.text; tokens.scrollTop = tokens.scrollHeight; },
        done: d => { location.href = `/plans/${d.planId}`; },
        pending: d => { location.href = `/plans/${d.planId}`; },
        error: d => { X.flash(d.detail || t('plan.failed')); if (planId) location.href = `/plans/${planId}`; },
      }});
    } catch (error) {
      // The plan goes on being written without us: its page follows it.
      if (planId) location.href = `/plans/${planId}`;
      else throw error;
    }
  });
})();
