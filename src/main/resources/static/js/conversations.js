/* Reading a student's conversations with the buddy (staff): transcripts, moderation flags, marking a flag wrong. */
const Conversations = (() => {
  const {t, el, api, guard, list, markdown, dateTime, flash} = X;

  function message(m) {
    const body = el('div', {class: 'body'});
    if (m.role === 'USER') body.textContent = m.content;
    else markdown(body, m.content);
    const node = el('article', {class: `msg ${m.role === 'USER' ? 'mine' : 'theirs'}`, dataset: {message: m.id}},
      el('p', {class: 'muted small'}, `${t(m.role === 'USER' ? 'conversations.student' : 'chat.assistant')} · ${dateTime(m.createdAt)}`
        + (m.status === 'BLOCKED' ? ` · ${t('conversations.blocked')}` : '')), body);
    if (m.category) {
      const flag = el('p', {class: 'alert small'}, t('conversations.flagged', t(`category.${m.category}`)));
      if (m.flagWrongBy) flag.append(' ', t('conversations.marked-wrong'));
      else {
        flag.append(' ', el('button', {type: 'button', class: 'link', onclick: () => guard(async () => {
          await api('POST', `/api/messages/${m.id}/moderation-wrong`);
          flag.querySelector('button').replaceWith(t('conversations.marked-wrong'));
          flash(t('conversations.thanks'), 'note');
        })}, t('conversations.mark-wrong')));
      }
      node.append(flag);
    }
    return node;
  }

  async function transcript(conversation, target, flaggedId) {
    const page = await api('GET', `/api/conversations/${conversation.id}/messages?limit=200`);
    target.replaceChildren(el('h3', {}, conversation.title || t('chat.untitled', dateTime(conversation.createdAt))),
      el('div', {class: 'chat-log'}, page.messages.slice().reverse().map(message)));
    // Opened from an alert: straight to the flagged message.
    const flagged = flaggedId && target.querySelector(`[data-message="${flaggedId}"]`);
    if (flagged) {
      flagged.classList.add('flagged');
      flagged.scrollIntoView({block: 'center'});
    }
  }

  /** The conversation an alert points at, opened at the flagged message. */
  function atMessage(conversationId, messageId, target) {
    return transcript({id: conversationId, title: t('conversations.flagged-conversation')}, target, messageId);
  }

  async function ofStudent(studentId, listElement, target) {
    const conversations = await api('GET', `/api/conversations?studentId=${studentId}&limit=100`);
    list(listElement, conversations, c => el('li', {}, el('button', {type: 'button', class: 'link',
      onclick: () => guard(() => transcript(c, target))}, c.title || t('chat.untitled', dateTime(c.createdAt))),
      ' ', el('span', {class: 'muted small'}, dateTime(c.updatedAt))), 'conversations.none');
  }

  return {ofStudent, atMessage};
})();
