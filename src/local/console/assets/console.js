// The live console's script: plain DOM, no framework. Every REST call goes through /console/api/*, where the
// local stack adds its API key: the key never reaches this page.
import { openConsoleSocket } from '/console/console-socket.js';

const $ = (id) => document.getElementById(id);
const CONSOLE_HEADER = { 'x-socketpost-console': '1' };
let socketCount = 0;

function say(text) {
  $('status').textContent = text;
}

/** Calls the console API; answers `{status, body}` with the body parsed when it is JSON. */
async function api(method, path, body) {
  const init = { method, headers: { ...CONSOLE_HEADER } };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (error) {
    throw new Error(`the local stack does not answer (${error.message}): is npm start still running?`, { cause: error });
  }
  const text = await res.text();
  let parsed = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed };
}

/** An error answer in one line: its message, which says what to do. */
function problem(answer) {
  const body = answer.body;
  if (body && typeof body === 'object' && body.message) return `${answer.status} ${body.code ?? ''}: ${body.message}`;
  return `${answer.status}: ${typeof body === 'string' ? body : JSON.stringify(body)}`;
}

function messageValue() {
  const raw = $('message').value;
  try {
    const value = JSON.parse(raw);
    return typeof value === 'object' && value !== null ? value : raw;
  } catch {
    return raw;
  }
}

function groupsClaim() {
  return $('groups').value.split(',').map((g) => g.trim()).filter(Boolean);
}

async function mintToken(userId, groups) {
  return (await tokenAnswer(userId, groups)).token;
}

async function tokenAnswer(userId, groups) {
  const answer = await api('POST', '/console/api/token', { userId, ...(groups.length ? { groups } : {}) });
  if (answer.status !== 200) throw new Error(`could not mint a token: ${problem(answer)}`);
  return answer.body;
}

async function showToken() {
  const { token, expiresAt } = await tokenAnswer($('user-id').value, groupsClaim());
  $('token').value = token;
  $('token-expiry').textContent = `valid until ${expiresAt}`;
  $('token-line').hidden = false;
  say('');
}

function time(date) {
  return date.toISOString().slice(11, 23);
}

function showMessage(label, data, seq, receivedAt = new Date()) {
  const row = document.createElement('tr');
  row.className = 'message';
  const when = document.createElement('td');
  const at = document.createElement('time');
  at.dateTime = receivedAt.toISOString();
  at.title = receivedAt.toISOString();
  at.textContent = time(receivedAt);
  when.append(at);
  const who = document.createElement('td');
  who.textContent = label;
  const number = document.createElement('td');
  number.className = 'seq';
  number.textContent = seq === undefined ? '' : String(seq);
  const what = document.createElement('td');
  const code = document.createElement('code');
  code.textContent = typeof data === 'string' ? data : JSON.stringify(data);
  what.append(code);
  row.append(when, who, number, what);
  $('messages').prepend(row);
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function openSocket(userId, groups, stage, url, recovery) {
  const label = `#${++socketCount} ${userId} @ ${stage}${recovery ? ' (recovery)' : ''}`;
  const item = element('li');
  item.dataset.socket = String(socketCount);
  const state = element('span', 'state connecting', 'connecting');
  const group = element('input', 'join-group');
  group.placeholder = 'group';
  group.value = 'room:42';
  group.size = 10;
  const join = element('button', 'join', 'Join');
  join.type = 'button';
  const close = element('button', 'disconnect', 'Disconnect');
  close.type = 'button';
  close.title = 'close this socket for good (the client does not reconnect)';
  const joined = element('span', 'joined');
  item.append(element('span', 'label', label), state, group, join, close, joined);
  $('sockets').append(item);

  const setState = (text, kind) => {
    state.textContent = text;
    state.className = `state ${kind}`;
  };
  const joinedGroups = new Set();
  const socket = openConsoleSocket({
    url,
    recovery,
    token: () => mintToken(userId, groups),
    onOpen: (reason) => setState(reason === 'initial' ? 'open' : `open (${reason})`, 'open'),
    onMessage: (data, seq) => showMessage(label, data, seq),
    onReconnecting: (attempt, code) => setState(`reconnecting (attempt ${attempt}${code ? `, closed ${code}` : ''})`, 'reconnecting'),
    onClose: (code, reason) => setState(`closed ${code}${reason ? ` ${reason}` : ''}`, 'closed'),
    onError: (error) => say(`${label}: ${error.message}`),
  });
  join.addEventListener('click', () => {
    const name = group.value.trim();
    if (!name) return;
    socket.join(name).then(
      () => {
        joinedGroups.add(name);
        joined.textContent = `in ${[...joinedGroups].join(', ')}`;
      },
      (error) => say(`${label} could not join ${name}: ${error.message}`),
    );
  });
  close.addEventListener('click', () => socket.close());
}

function showReport(answer) {
  $('report-status').textContent = String(answer.status);
  $('report').textContent = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body, null, 2);
  if (answer.status >= 400) say(problem(answer));
}

async function send(path, body) {
  say('');
  $('report-status').textContent = 'sending…';
  showReport(await api('POST', path, body));
}

async function listConnections() {
  const userId = $('list-user').value;
  const answer = await api('GET', `/console/api/rest/users/${encodeURIComponent(userId)}/connections`);
  const rows = $('connections');
  rows.replaceChildren();
  if (answer.status !== 200) {
    say(`could not list ${userId}'s connections: ${problem(answer)}`);
    return;
  }
  say('');
  for (const c of answer.body.connections) {
    const row = document.createElement('tr');
    row.dataset.connectionId = c.connectionId;
    const cells = [c.connectionId, c.stage, new Date(c.connectedAt).toISOString()].map((text) => {
      const cell = document.createElement('td');
      cell.textContent = text;
      return cell;
    });
    const action = document.createElement('td');
    const close = document.createElement('button');
    close.type = 'button';
    close.className = 'close-connection';
    close.textContent = 'Close';
    close.addEventListener('click', async () => {
      const closed = await api('DELETE', `/console/api/rest/connections/${encodeURIComponent(c.connectionId)}`);
      if (closed.status !== 204) say(`could not close ${c.connectionId}: ${problem(closed)}`);
      await listConnections();
    });
    action.append(close);
    row.append(...cells, action);
    rows.append(row);
  }
  if (answer.body.connections.length === 0) {
    const row = document.createElement('tr');
    const cell = document.createElement('td');
    cell.colSpan = 4;
    cell.className = 'empty';
    cell.textContent = `${userId} has no open connection`;
    row.append(cell);
    rows.append(row);
  }
}

function on(formId, handler) {
  $(formId).addEventListener('submit', (event) => {
    event.preventDefault();
    handler().catch((error) => say(error.message));
  });
}

async function start() {
  const config = await api('GET', '/console/api/config');
  if (config.status !== 200) throw new Error(`the console could not load its settings: ${problem(config)}`);
  const urls = new Map();
  for (const { name, url } of config.body.stages) {
    urls.set(name, url);
    for (const select of [$('stage'), $('broadcast-stage')]) {
      const option = document.createElement('option');
      option.value = option.textContent = name;
      select.append(option);
    }
  }
  on('open-form', async () => {
    const stage = $('stage').value;
    openSocket($('user-id').value, groupsClaim(), stage, urls.get(stage), $('recovery').checked);
  });
  $('mint-token').addEventListener('click', () => showToken().catch((error) => say(error.message)));
  on('notify-form', () => send('/console/api/rest/notify', { userId: $('notify-user').value, message: messageValue() }));
  on('group-form', () => send(`/console/api/rest/groups/${encodeURIComponent($('group-name').value)}/messages`, { message: messageValue() }));
  on('broadcast-form', () => {
    const stage = $('broadcast-stage').value;
    return send('/console/api/rest/broadcast', { message: messageValue(), ...(stage ? { stage } : {}) });
  });
  on('list-form', listConnections);
  document.body.dataset.ready = 'true';
}

start().catch((error) => say(error.message));
