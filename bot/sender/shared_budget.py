"""Telegram's send budget shared by every process of one bot, kept in Redis by atomic scripts.

Each process still queues its own sends in `bot/pacing.py` (priorities, a chat's order); a send
it grants then takes its slot here before it starts, so the rules hold across processes: a
chat's sends arrive `1 / per_chat` apart and one at a time, no second holds more than
`per_second` sends overall (a send holds one of `per_second` places from its start until a
second after its latest possible arrival, the same accounting as in-process), starts are spaced
evenly, and a 429 pauses every process. An answer to a person waiting for the overall budget
holds back notices of every process until it has gone.

Times are Redis's own clock (`TIME`), so processes on several machines agree; a process says
how long ago a send arrived, never when. A process that dies holding a slot frees it after
`HOLD` seconds."""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis

from bot.sender.pacing import WINDOW, Pacing

# Seconds a granted slot is held at most when its process never says the send ended.
HOLD = 20.0
# How soon to ask again while another process's send to the chat is on its way.
BUSY_POLL = 0.02
# Seconds a chat's record outlives its own time, for sends asking about it meanwhile.
KEEP = 60.0

# Times are kept to the microsecond, and compared as such.
_NOW = """
local now = tonumber(ARGV[1])
if now < 0 then
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
end
local EPS = 0.000001
local function num(x) return string.format('%.6f', x) end
"""

# KEYS: places, state, chat. ARGV: now, token, interval, places, hold, priority, keep, busy poll,
# window, reserve.
# Returns {"go"} when granted, {"go", seconds} when granted to start that much later (the next
# start is no further than `reserve` away and a place is free: taken now rather than asked for
# again), else what it waits for ("chat" or "all") and for how long.
_TAKE = (
    _NOW
    + """
local token, interval, places = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local hold, priority = tonumber(ARGV[5]), tonumber(ARGV[6])
local g = redis.call('HMGET', KEYS[2], 'next_start', 'paused_until', 'answers_until')
local next_start, paused, answers = tonumber(g[1]) or 0, tonumber(g[2]) or 0, tonumber(g[3]) or 0
if paused > now + EPS then return {'all', num(paused - now)} end
local c = redis.call('HMGET', KEYS[3], 'busy_until', 'holder', 'free_at')
local busy, free_at = tonumber(c[1]) or 0, tonumber(c[3]) or 0
if busy > now + EPS and c[2] ~= token then
  return {'chat', num(math.min(busy - now, tonumber(ARGV[8])))}
end
if free_at > now + EPS then return {'chat', num(free_at - now)} end
local at, full = next_start, false
if places > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now + EPS)
  if redis.call('ZCARD', KEYS[1]) >= places then
    local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
    local free = tonumber(first[2])
    -- Held by a send still on its way (an ended one frees its place within the window):
    -- it may end any moment, so ask again soon rather than at its hold's end.
    if free > now + tonumber(ARGV[9]) then free = math.min(free, now + tonumber(ARGV[8])) end
    at, full = math.max(at, free), true
  end
end
local start = now
if at > now + EPS then
  if full or at - now > tonumber(ARGV[10]) + EPS or (priority > 0 and answers > now + EPS) then
    if priority == 0 then
      redis.call('HSET', KEYS[2], 'answers_until', num(math.max(answers, at + interval)))
    end
    return {'all', num(at - now)}
  end
  start = at
elseif priority > 0 and answers > now + EPS then
  return {'all', num(answers - now)}
end
if places > 0 then redis.call('ZADD', KEYS[1], start + hold, token) end
-- Spaced from when this start was due if it is only a moment late, so lateness does not add
-- up send after send.
local due = next_start
if start - due > interval / 2 then due = start end
redis.call('HSET', KEYS[2], 'next_start', num(due + interval))
redis.call('HSET', KEYS[3], 'busy_until', num(start + hold), 'holder', token)
redis.call('PEXPIRE', KEYS[3], math.ceil((start - now + hold + tonumber(ARGV[7])) * 1000))
if start > now then return {'go', num(start - now)} end
return {'go'}
"""
)

# KEYS: places, chat. ARGV: now, token, seconds since its latest possible arrival (negative:
# not sent, the slot is given back), chat interval, window, keep.
_END = (
    _NOW
    + """
local token, ago = ARGV[2], tonumber(ARGV[3])
local c = redis.call('HMGET', KEYS[2], 'holder', 'free_at')
if c[1] == token then redis.call('HDEL', KEYS[2], 'busy_until', 'holder') end
if ago < 0 then
  redis.call('ZREM', KEYS[1], token)
  return '0'
end
local arrival = now - ago
if redis.call('ZSCORE', KEYS[1], token) then
  redis.call('ZADD', KEYS[1], arrival + tonumber(ARGV[5]), token)
end
local free_at = math.max(tonumber(c[2]) or 0, arrival + tonumber(ARGV[4]))
redis.call('HSET', KEYS[2], 'free_at', num(free_at))
redis.call('PEXPIRE', KEYS[2], math.ceil((free_at - now + tonumber(ARGV[6])) * 1000))
return '0'
"""
)

# KEYS: the hash and field to hold off until. ARGV: now, seconds, keep.
_PAUSE = (
    _NOW
    + """
local till = now + tonumber(ARGV[2])
local was = tonumber(redis.call('HGET', KEYS[1], ARGV[3])) or 0
if till > was then redis.call('HSET', KEYS[1], ARGV[3], num(till)) end
local ttl = redis.call('PTTL', KEYS[1])
local keep = math.ceil((tonumber(ARGV[2]) + tonumber(ARGV[4])) * 1000)
if ttl >= 0 and ttl < keep then redis.call('PEXPIRE', KEYS[1], keep) end
return '0'
"""
)

# KEYS: state, chat. ARGV: now, busy poll. Seconds until the chat may send again, ignoring the
# overall budget.
_CHAT_WAIT = (
    _NOW
    + """
local paused = tonumber(redis.call('HGET', KEYS[1], 'paused_until')) or 0
local c = redis.call('HMGET', KEYS[2], 'busy_until', 'free_at')
local busy, free_at = tonumber(c[1]) or 0, tonumber(c[2]) or 0
if busy > now + EPS then return num(math.min(busy - now, tonumber(ARGV[2]))) end
return num(math.max(0, free_at - now, paused - now))
"""
)


@dataclass(frozen=True)
class Wait:
    """A send not granted yet: for its chat's own time (`chat`) or for the overall budget; or,
    when `granted`, a send granted to start `seconds` from now."""

    chat: bool
    seconds: float
    granted: bool = False


@dataclass(frozen=True)
class Rates:
    interval: float
    places: int
    chat_interval: float
    group_interval: float


class SharedBudget:
    """The Redis side of the budget. `now` is for tests; processes use Redis's clock."""

    def __init__(self, redis: Redis, bot_id: int, rates: Rates) -> None:
        self.redis = redis
        self.rates = rates
        prefix = f"axin:budget:{{{bot_id}}}"
        self._places = f"{prefix}:places"
        self._state = f"{prefix}:state"
        self._chat = f"{prefix}:chat:"
        self._take = redis.register_script(_TAKE)
        self._end = redis.register_script(_END)
        self._pause = redis.register_script(_PAUSE)
        self._chat_wait = redis.register_script(_CHAT_WAIT)

    async def take(
        self,
        chat_id: int,
        priority: int,
        token: str,
        now: float | None = None,
        reserve: float = 0.0,
    ) -> Wait | None:
        """None when the send may start now, else what it waits for; with `reserve`, a start
        due no further away than that (the spacing of starts, with a place free) is granted
        at once for then, so the send waits it out without asking again."""
        rates = self.rates
        answer = await self._take(
            keys=[self._places, self._state, self._chat + str(chat_id)],
            args=[
                _at(now),
                token,
                rates.interval,
                rates.places,
                HOLD,
                int(priority),
                KEEP,
                BUSY_POLL,
                WINDOW,
                reserve,
            ],
        )
        if len(answer) == 1:
            return None
        what, seconds = _text(answer[0]), float(answer[1])
        return Wait(chat=what == "chat", seconds=seconds, granted=what == "go")

    async def ended(self, chat_id: int, token: str, ago: float, now: float | None = None) -> None:
        """The send arrived at the latest `ago` seconds before now."""
        await self._finish(chat_id, token, max(0.0, ago), now)

    async def release(self, chat_id: int, token: str, now: float | None = None) -> None:
        """A slot taken and not used."""
        await self._finish(chat_id, token, -1.0, now)

    async def pause(self, seconds: float, now: float | None = None) -> None:
        await self._pause(keys=[self._state], args=[_at(now), seconds, "paused_until", KEEP])

    async def pause_chat(self, chat_id: int, seconds: float, now: float | None = None) -> None:
        await self._pause(
            keys=[self._chat + str(chat_id)], args=[_at(now), seconds, "free_at", KEEP]
        )

    async def chat_wait(self, chat_id: int, now: float | None = None) -> float:
        """Seconds until the chat could send again, ignoring the overall budget."""
        waited = await self._chat_wait(
            keys=[self._state, self._chat + str(chat_id)], args=[_at(now), BUSY_POLL]
        )
        return float(waited)

    async def _finish(self, chat_id: int, token: str, ago: float, now: float | None) -> None:
        interval = self.rates.group_interval if chat_id < 0 else self.rates.chat_interval
        await self._end(
            keys=[self._places, self._chat + str(chat_id)],
            args=[_at(now), token, ago, interval, WINDOW, KEEP],
        )


def rates_of(pacing: Pacing) -> Rates:
    return Rates(pacing.interval, pacing.places, pacing.chat_interval, pacing.group_interval)


def _at(now: float | None) -> float:
    return -1.0 if now is None else now


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
