/* Data in and models refitted: answers from CSV, the mastery model, item calibration, item statistics. */
(() => {
  const {t, el, api, guard, flash, table, rowErrors, dateTime} = X;

  /** The school's model and its latest refit; while one waits or runs, asked again every two seconds. */
  async function refitStatus() {
    const status = await api('GET', '/api/insight/mastery-fit');
    const latest = status.latest;
    const parts = [status.fittedAt ? t('data.fitted-at', dateTime(status.fittedAt)) : t('data.never-fitted')];
    if (latest) {
      const why = t(`data.refit-reason.${latest.reason}`);
      parts.push(latest.state === 'DONE'
        ? t('data.refit.DONE', dateTime(latest.finishedAt), latest.refit.students, latest.refit.responses, why)
        : t(`data.refit.${latest.state}`, dateTime(latest.startedAt), why));
    }
    document.getElementById('refit-status').textContent = parts.join(' ');
    document.getElementById('refit').disabled = latest?.state === 'WAITING' || latest?.state === 'RUNNING';
    if (document.getElementById('refit').disabled) {
      setTimeout(() => guard(refitStatus), 2000);
    }
  }
  guard(refitStatus);

  X.onSubmit(document.getElementById('responses-form'), async (fields, form) => {
    const target = document.getElementById('responses-result');
    try {
      const recorded = await api('POST', '/api/responses/import', await form.elements.file.files[0].text());
      target.replaceChildren(el('p', {class: 'note'}, t('data.imported', recorded.recorded, recorded.correct)));
      form.reset();
    } catch (error) {
      if (!rowErrors(target, error)) throw error;
    }
  });

  document.getElementById('refit').addEventListener('click', event => guard(async () => {
    event.target.disabled = true;
    try {
      const summary = await api('POST', '/api/insight/mastery-fit');
      document.getElementById('refit-result').textContent = JSON.stringify(summary, null, 2);
      flash(t('data.refitted'), 'note');
    } finally {
      event.target.disabled = false;
      guard(refitStatus);
    }
  }));

  function parameters(items) {
    return table(['class.item', 'data.difficulty', 'data.discrimination'], items.map(i => [String(i.code ?? i.itemId ?? i.id ?? ''),
      i.difficulty === undefined || i.difficulty === null ? '—' : Number(i.difficulty).toFixed(2),
      i.discrimination === undefined || i.discrimination === null ? '—' : Number(i.discrimination).toFixed(2)]));
  }

  X.onSubmit(document.getElementById('calibrate-form'), async fields => {
    const result = await api('POST', `/api/insight/item-calibrations?model=${fields.model}`);
    const target = document.getElementById('calibrate-result');
    target.replaceChildren(el('p', {class: 'note'}, t('data.calibrated')), el('pre', {class: 'small'}, JSON.stringify(result, null, 2)));
  });

  X.onSubmit(document.getElementById('calibrate-file-form'), async (fields, form) => {
    const model = document.getElementById('calibrate-model').value;
    const target = document.getElementById('calibrate-result');
    try {
      const result = await api('POST', `/api/insight/calibrations?model=${model}`, await form.elements.file.files[0].text());
      target.replaceChildren(Array.isArray(result.items) ? parameters(result.items)
        : el('pre', {class: 'small'}, JSON.stringify(result, null, 2)));
    } catch (error) {
      if (!rowErrors(target, error)) throw error;
    }
  });

  document.getElementById('statistics').addEventListener('click', () => guard(async () => {
    const stats = await api('GET', '/api/insight/item-statistics');
    document.getElementById('statistics-result').replaceChildren(table(
      ['class.item', 'class.answers', 'class.p-value', 'class.point-biserial'],
      stats.map(s => [s.code, String(s.answers), s.pValue === null ? '—' : s.pValue.toFixed(2),
        s.pointBiserial === null ? '—' : s.pointBiserial.toFixed(2)])));
  }));
})();
