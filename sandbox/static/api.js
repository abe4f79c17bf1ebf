// JSON calls to the sandbox API and to the emulator's control API (acting as a user).

async function call(method, path, body) {
  const init = { method, headers: {} };
  if (body instanceof FormData) {
    init.body = body;
  } else if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  let data;
  try {
    data = await response.json();
  } catch {
    throw new Error(`${response.status} ${response.statusText}`);
  }
  if (!data.ok) throw new Error(data.error || `HTTP ${response.status}`);
  return data.result;
}

export const sandbox = {
  get: (path) => call("GET", `/sandbox/api/${path}`),
  post: (path, body) => call("POST", `/sandbox/api/${path}`, body ?? {}),
};

export const user = (id) => ({
  get: (action) => call("GET", `/tg/_emulator/users/${id}/${action}`),
  post: (action, body) => call("POST", `/tg/_emulator/users/${id}/${action}`, body ?? {}),
});

export const EVENTS_URL = "/tg/_emulator/events";
