/* A photo of written work on an item of the student's path, read by the vision model. */
(() => {
  const {t, el, api, guard, markdown} = X;
  const student = document.getElementById('main').dataset.student;
  const form = document.getElementById('photo-form');
  const select = document.getElementById('photo-item');
  const result = document.getElementById('photo-result');

  guard(async () => {
    const path = await api('GET', `/api/students/${student}/path`);
    const wanted = new URLSearchParams(location.search).get('item');
    select.replaceChildren(...path.steps.flatMap(step => step.items.map(item =>
      el('option', {value: item.itemId, selected: String(item.itemId) === wanted}, `${step.name} · ${item.code}`))));
    if (!select.options.length) select.append(el('option', {value: ''}, t('photo.no-items')));
  });

  X.onSubmit(form, async () => {
    const data = new FormData();
    data.append('itemId', select.value);
    data.append('image', form.elements.image.files[0]);
    result.hidden = false;
    result.replaceChildren(el('p', {role: 'status'}, t('photo.reading')));
    const submission = await api('POST', '/api/responses/photo', data).catch(error => {
      result.hidden = true;
      throw error;
    });
    const reading = submission.reading || {};
    const feedback = el('div', {class: 'markdown'});
    markdown(feedback, reading.feedback || '');
    const transcription = el('div', {class: 'markdown'});
    markdown(transcription, reading.transcription || '');
    result.replaceChildren(
      el('h2', {}, t('photo.review')),
      el('h3', {}, t('photo.transcription')), transcription,
      el('h3', {}, t('photo.feedback')), feedback);
    form.reset();
  });
})();
