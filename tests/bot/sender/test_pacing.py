"""The send budget's decisions on explicit times: spacing overall and per chat, places held
until a second after a send's latest possible arrival, priorities, pauses."""

from __future__ import annotations

import itertools
import random

from bot.sender.pacing import RTT_TRUST, Pacing, Priority, Ticket


class Sends:
    """Sends that take `rtt` seconds to be answered, started as soon as the budget lets them."""

    def __init__(self, pacing: Pacing) -> None:
        self.pacing = pacing
        self.now = 0.0
        self.started: list[tuple[float, Ticket]] = []

    def run(self, tickets: list[Ticket], rtt: float) -> list[float]:
        """Time moves from one decision to the next until every ticket has gone."""
        left = set(tickets)
        ending: list[tuple[float, Ticket]] = []
        while left or ending:
            granted, wake = self.pacing.grant(self.now)
            for ticket in granted:
                self.started.append((self.now, ticket))
                ending.append((self.now + rtt, ticket))
                left.discard(ticket)
            moments = [t for t, _ in ending] + ([wake] if wake is not None else [])
            if not moments:
                break
            self.now = min(moments)
            for end, ticket in [e for e in ending if e[0] <= self.now]:
                self.pacing.ended(ticket, end)
                ending.remove((end, ticket))
        starts = {ticket: round(at, 4) for at, ticket in self.started}
        return [starts[ticket] for ticket in tickets]


def test_chats_are_spaced_overall_and_each_chat_waits_for_its_own_second() -> None:
    pacing = Pacing(10, 1, margin=1.0)
    sends = Sends(pacing)
    tickets = [pacing.want(chat, Priority.NOTICE) for chat in (1, 2, 3, 1)]
    assert sends.run(tickets, rtt=0.0) == [0.0, 0.1, 0.2, 1.0]


def test_a_chat_sends_one_at_a_time_in_order() -> None:
    pacing = Pacing(30, 1)
    first, second = pacing.want(7, Priority.NOTICE), pacing.want(7, Priority.NOTICE)
    granted, _ = pacing.grant(0.0)
    assert granted == [first]
    assert pacing.grant(0.1)[0] == []  # the first is still on its way
    pacing.ended(first, 0.2)
    # Answered 0.2 s after it left, it arrived by 0.2 less three quarters of that.
    assert pacing.grant(1.05)[0] == []
    assert pacing.grant(0.05 + 1 / 0.99)[0] == [second]


def test_a_place_is_held_until_a_second_after_the_latest_possible_arrival() -> None:
    pacing = Pacing(30, 1)
    sends = Sends(pacing)
    tickets = [pacing.want(chat, Priority.NOTICE) for chat in range(31)]
    starts = sends.run(tickets, rtt=0.5)
    # The 31st waits for the first's place: it ended at 0.5, so it arrived by 0.5 less three
    # quarters of the round trip, and the 31st arrives no sooner than its own start.
    assert starts[30] == round(0.5 - RTT_TRUST * 0.5 + 1.0, 4)
    assert starts[29] == round(29 / (30 * 0.99), 4)


def test_a_send_that_failed_on_the_way_holds_its_place_a_second_from_its_end() -> None:
    pacing = Pacing(1, 1, margin=1.0)
    ticket = pacing.want(1, Priority.NOTICE)
    pacing.grant(0.0)
    pacing.ended(ticket, 0.3, answered=False)
    later = pacing.want(2, Priority.NOTICE)
    assert pacing.grant(1.2) == ([], 1.3)
    assert pacing.grant(1.3)[0] == [later]


def test_answers_go_before_notices_waiting_longer() -> None:
    pacing = Pacing(10, 1, margin=1.0)
    notices = [pacing.want(chat, Priority.NOTICE) for chat in range(100, 105)]
    answers = [pacing.want(chat, Priority.ANSWER) for chat in range(200, 203)]
    sends = Sends(pacing)
    sends.run(notices + answers, rtt=0.0)
    assert [ticket.chat_id for _, ticket in sends.started] == [
        200,
        201,
        202,
        100,
        101,
        102,
        103,
        104,
    ]


def test_in_one_chat_an_answer_goes_before_a_notice_asked_for_earlier() -> None:
    pacing = Pacing(30, 1)
    sending = pacing.want(5, Priority.NOTICE)
    pacing.grant(0.0)
    notice = pacing.want(5, Priority.NOTICE)
    answer = pacing.want(5, Priority.ANSWER)
    pacing.ended(sending, 0.1)
    assert pacing.grant(2.0)[0] == [answer]
    pacing.ended(answer, 2.1)
    assert pacing.grant(4.0)[0] == [notice]


def test_nothing_starts_during_a_pause() -> None:
    pacing = Pacing(30, 30)
    pacing.pause(7.0)
    ticket = pacing.want(1, Priority.ANSWER)
    assert pacing.grant(3.0) == ([], 7.0)
    assert pacing.grant(7.0)[0] == [ticket]


def test_a_send_given_up_frees_its_chat_and_place() -> None:
    pacing = Pacing(1, 1, margin=1.0)
    waiting = pacing.want(1, Priority.NOTICE)
    pacing.drop(waiting)
    granted_unused = pacing.want(1, Priority.NOTICE)
    assert pacing.grant(0.0)[0] == [granted_unused]
    pacing.drop(granted_unused)
    again = pacing.want(1, Priority.NOTICE)
    assert pacing.grant(1.0)[0] == [again]


def test_with_a_steady_network_delay_nearly_the_whole_budget_is_used() -> None:
    pacing = Pacing(30, 1)
    tickets = [pacing.want(chat, Priority.NOTICE) for chat in range(900)]
    starts = Sends(pacing).run(tickets, rtt=0.05)
    assert 900 / starts[-1] > 0.97 * 30


def test_no_second_holds_more_arrivals_than_the_budget_whatever_the_network_does() -> None:
    """Requests take 20-200 ms each way, at random; Telegram counts their arrivals."""
    rng = random.Random(15)
    pacing = Pacing(30, 1)
    now, ending, arrivals = 0.0, [], []
    by_chat: dict[int, list[float]] = {}
    tickets = [pacing.want(rng.randrange(60), Priority.NOTICE) for _ in range(900)]
    left = set(tickets)
    while left or ending:
        granted, wake = pacing.grant(now)
        for ticket in granted:
            out, back = rng.uniform(0.02, 0.2), rng.uniform(0.02, 0.2)
            arrivals.append(now + out)
            by_chat.setdefault(ticket.chat_id, []).append(now + out)
            ending.append((now + out + back, ticket))
            left.discard(ticket)
        now = min([t for t, _ in ending] + ([wake] if wake is not None else []))
        for end, ticket in [e for e in ending if e[0] <= now]:
            pacing.ended(ticket, end)
            ending.remove((end, ticket))
    arrivals.sort()
    assert all(later - arrivals[i] >= 1.0 for i, later in enumerate(arrivals[30:]))
    for times in by_chat.values():
        assert all(b - a >= 1.0 for a, b in itertools.pairwise(times))
    # The less certain the arrivals, the wider apart the sends; still most of the budget.
    assert arrivals[-1] < 900 / 30 * 1.4


def test_a_group_takes_twenty_messages_a_minute() -> None:
    pacing = Pacing(30, 1, margin=1.0)
    tickets = [pacing.want(-1001, Priority.ANSWER) for _ in range(3)]
    assert Sends(pacing).run(tickets, rtt=0.0) == [0.0, 3.0, 6.0]


def test_a_paused_chat_waits_while_others_go_on() -> None:
    pacing = Pacing(30, 1)
    pacing.pause_chat(-1001, 5.0)
    group, private = pacing.want(-1001, Priority.ANSWER), pacing.want(7, Priority.NOTICE)
    assert pacing.grant(1.0)[0] == [private]
    assert pacing.grant(4.9)[0] == []
    assert pacing.grant(5.0)[0] == [group]


def test_a_send_asking_again_keeps_its_turn() -> None:
    pacing = Pacing(30, 1)
    first = pacing.want(7, Priority.NOTICE)
    pacing.grant(0.0)
    later = pacing.want(7, Priority.NOTICE)
    pacing.ended(first, 0.1)  # refused with a 429, say: it asks again with its place
    again = pacing.want(7, Priority.NOTICE, first.seq)
    assert pacing.grant(2.0)[0] == [again]
    pacing.ended(again, 2.1)
    assert pacing.grant(4.0)[0] == [later]


def test_a_start_a_moment_late_does_not_push_the_ones_after_it() -> None:
    pacing = Pacing(10, 1, margin=1.0)
    tickets = [pacing.want(chat, Priority.NOTICE) for chat in (1, 2, 3)]
    assert pacing.grant(0.0)[0] == [tickets[0]]
    # A timer lets the second go a little after it was due: the third is still due at 0.2.
    granted, wake = pacing.grant(0.13)
    assert granted == [tickets[1]]
    assert wake is not None and round(wake, 4) == 0.2
    # After the budget sat idle, starts count from the one made then.
    pacing.want(4, Priority.NOTICE)
    assert pacing.grant(5.0)[0] == [tickets[2]]
    assert round(pacing.grant(5.0)[1] or 0.0, 4) == 5.1
