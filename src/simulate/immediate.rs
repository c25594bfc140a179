//! One replication of a live channel (voice, chat): Poisson arrivals at each interval's rate, FCFS, an
//! exponential patience where the channel has one, and a number of productive agents that changes at
//! interval boundaries. The queue carries over from one interval to the next; when staffing drops, idle
//! agents leave at once and the next agents to finish a contact leave then (nobody is cut off). With chat concurrency an agent holds up to `k` chats, a new
//! chat goes to the agent with the fewest open (balanced routing), and each of `j` open chats ends at rate
//! `1 / h_j` — the chain the formulas solve (Tezcan & Zhang 2014).
//!
//! A deferred channel (e-mail, social) is the same queue without patience whose items count as done in
//! time when they are *finished* within their response window, counted in the channel's open time.

use super::rng::Rng;
use super::{HandleTimes, IntervalCounts};
use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

/// What one live channel looks like to the simulator.
#[derive(Debug, Clone)]
pub(crate) struct LiveChannel {
    pub interval_s: f64,
    /// Offered contacts per interval (Poisson means).
    pub volume: Vec<f64>,
    /// Mean handle time per interval (seconds; chat: with one chat open).
    pub handle_s: Vec<f64>,
    /// Productive agents per interval, fractional (see [`capacity_steps`]).
    pub productive: Vec<f64>,
    pub patience_s: Option<f64>,
    /// Chat: mean handle time with `j` chats open, `h[j − 1]`; empty for one contact at a time.
    pub chat: Vec<f64>,
    pub threshold_s: f64,
    /// Deferred channels: the response window in open seconds, and which intervals are open.
    pub window_s: Option<f64>,
    pub open: Vec<bool>,
}

impl LiveChannel {
    /// The instant by which an item arriving `at` must be done: `window_s` of open time later (infinite
    /// when the period ends first).
    pub(super) fn deadline(&self, at: f64, window_s: f64) -> f64 {
        let mut left = window_s;
        let mut t = (at / self.interval_s) as usize;
        let mut from = at;
        while t < self.open.len() {
            let end = (t + 1) as f64 * self.interval_s;
            if self.open[t] {
                if end - from >= left {
                    return from + left;
                }
                left -= end - from;
            }
            from = end;
            t += 1;
        }
        f64::INFINITY
    }
}

/// The staffing over time: `⌈p⌉` agents for the first `p − ⌊p⌋` of each interval and `⌊p⌋` for the rest,
/// the time-weighted mix the evaluator computes.
pub(super) fn capacity_steps(ch: &LiveChannel) -> Vec<(f64, u32)> {
    let mut steps = Vec::new();
    for (t, &p) in ch.productive.iter().enumerate() {
        let start = t as f64 * ch.interval_s;
        let (lo, w) = (p.max(0.0).floor(), p.max(0.0) - p.max(0.0).floor());
        if w > 1e-9 {
            steps.push((start, lo as u32 + 1));
            steps.push((start + w * ch.interval_s, lo as u32));
        } else {
            steps.push((start, lo as u32));
        }
    }
    steps
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    /// The staffing changes to this many agents.
    Capacity(u32),
    Arrival,
    /// An agent's contact (one at a time) or one of its chats ends, if its version still holds.
    Completion {
        agent: usize,
        version: u64,
    },
}

#[derive(Debug, Clone, Copy)]
struct Event {
    at: f64,
    seq: u64,
    kind: Kind,
}

impl PartialEq for Event {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Event {}
impl PartialOrd for Event {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Event {
    /// Earliest first (the heap is a max-heap), ties in creation order: deterministic.
    fn cmp(&self, other: &Self) -> Ordering {
        other.at.total_cmp(&self.at).then(other.seq.cmp(&self.seq))
    }
}

#[derive(Debug, Clone, Default)]
struct Agent {
    /// Contacts in hand (chats open).
    open: u32,
    /// Staffing dropped: finish what is in hand, take nothing new.
    leaving: bool,
    present: bool,
    /// Invalidates scheduled chat completions when `open` changes.
    version: u64,
}

impl super::capacity::Seat for Agent {
    fn present(&self) -> bool {
        self.present
    }

    fn leaving(&self) -> bool {
        self.leaving
    }

    fn idle(&self) -> bool {
        self.open == 0
    }

    fn set_present(&mut self, present: bool) {
        self.present = present;
    }

    fn set_leaving(&mut self, leaving: bool) {
        self.leaving = leaving;
    }
}

#[derive(Debug, Clone, Copy)]
struct Waiting {
    arrived: f64,
    gives_up: f64,
    interval: usize,
    /// Deferred items: done in time if finished by then.
    deadline: f64,
}

struct Sim<'a> {
    ch: &'a LiveChannel,
    handle: HandleTimes,
    rng: Rng,
    heap: BinaryHeap<Event>,
    seq: u64,
    now: f64,
    agents: Vec<Agent>,
    /// Agents still to leave as soon as any finishes a contact.
    to_leave: u32,
    queue: VecDeque<Waiting>,
    counts: Vec<IntervalCounts>,
}

impl Sim<'_> {
    fn push(&mut self, at: f64, kind: Kind) {
        self.seq += 1;
        self.heap.push(Event {
            at,
            seq: self.seq,
            kind,
        });
    }

    fn interval_of(&self, at: f64) -> usize {
        ((at / self.ch.interval_s) as usize).min(self.counts.len() - 1)
    }

    fn slots(&self) -> u32 {
        self.ch.chat.len().max(1) as u32
    }

    /// Busy slots and staffed slots, for occupancy.
    fn usage(&self) -> (f64, f64) {
        let present = self.agents.iter().filter(|a| a.present);
        let (mut busy, mut staffed) = (0.0, 0.0);
        for a in present {
            busy += f64::from(a.open);
            if !a.leaving {
                staffed += f64::from(self.slots());
            }
        }
        (busy, staffed)
    }

    /// Moves the clock to `at`, accruing busy and staffed time in the current interval.
    fn advance(&mut self, at: f64) {
        if at > self.now {
            let (busy, staffed) = self.usage();
            let t = self.interval_of(self.now);
            self.counts[t].busy_s += busy * (at - self.now);
            self.counts[t].staffed_s += staffed.max(busy) * (at - self.now);
            self.now = at;
        }
    }

    /// Changes the staffing (see [`super::capacity`]), then hands waiting contacts to free agents.
    fn set_capacity(&mut self, target: u32) {
        super::capacity::set_capacity(&mut self.agents, &mut self.to_leave, target);
        self.dispatch();
    }

    /// The agent a waiting contact goes to: a free one, or for chat the one with the fewest open.
    fn free_agent(&self) -> Option<usize> {
        let slots = self.slots();
        self.agents
            .iter()
            .enumerate()
            .filter(|(_, a)| a.present && !a.leaving && a.open < slots)
            .min_by_key(|(i, a)| (a.open, *i))
            .map(|(i, _)| i)
    }

    /// Hands waiting contacts to free agents, FCFS; those whose patience ran out have abandoned.
    fn dispatch(&mut self) {
        while let Some(agent) = self.free_agent() {
            let Some(next) = self.queue.pop_front() else {
                return;
            };
            if next.gives_up <= self.now {
                self.abandon(next);
                continue;
            }
            self.start(agent, next);
        }
    }

    fn abandon(&mut self, who: Waiting) {
        let c = &mut self.counts[who.interval];
        c.abandoned += 1.0;
        if who.gives_up - who.arrived <= self.ch.threshold_s {
            c.abandoned_within += 1.0;
        }
    }

    /// The agent takes the contact: live channels count its wait, deferred ones its time to done.
    fn start(&mut self, agent: usize, who: Waiting) {
        self.agents[agent].open += 1;
        let wait = self.now - who.arrived;
        let mut done_in = wait;
        if self.ch.chat.is_empty() {
            let mean = self.ch.handle_s[who.interval];
            let duration = self.handle.draw(&mut self.rng, mean);
            done_in += duration;
            self.push(self.now + duration, Kind::Completion { agent, version: 0 });
        } else {
            self.reschedule_chat(agent);
        }
        let deferred = self.ch.window_s.is_some();
        if deferred && who.deadline.is_infinite() {
            return; // unjudged: its window ends after the period
        }
        let c = &mut self.counts[who.interval];
        c.answered += 1.0;
        if deferred {
            c.waited_s += done_in;
            if who.arrived + done_in <= who.deadline {
                c.within += 1.0;
            }
        } else {
            c.waited_s += wait;
            if wait <= self.ch.threshold_s {
                c.within += 1.0;
            }
        }
    }

    /// With `j` chats open, the next of them ends after an exponential time of mean `h_j / j`.
    fn reschedule_chat(&mut self, agent: usize) {
        let a = &mut self.agents[agent];
        a.version += 1;
        if a.open == 0 {
            return;
        }
        let j = a.open as usize;
        let version = a.version;
        let scale = self.ch.handle_s[self.interval_of(self.now)] / self.ch.chat[0];
        let mean = self.ch.chat[j - 1] * scale / j as f64;
        let at = self.now + self.rng.exponential(mean);
        self.push(at, Kind::Completion { agent, version });
    }

    fn complete(&mut self, agent: usize, version: u64) {
        let chat = !self.ch.chat.is_empty();
        if chat && self.agents[agent].version != version {
            return; // superseded by a later change of the agent's chats
        }
        let a = &mut self.agents[agent];
        a.open = a.open.saturating_sub(1);
        // A pending drop in staffing falls on the agent who finishes first.
        if !a.leaving && self.to_leave > 0 {
            a.leaving = true;
            self.to_leave -= 1;
        }
        if a.leaving && a.open == 0 {
            a.present = false;
            a.leaving = false;
        }
        if chat {
            self.reschedule_chat(agent);
        }
        self.dispatch();
    }

    fn arrive(&mut self) {
        let t = self.interval_of(self.now);
        let gives_up = self
            .ch
            .patience_s
            .map_or(f64::INFINITY, |p| self.now + self.rng.exponential(p));
        let deadline = self
            .ch
            .window_s
            .map_or(f64::INFINITY, |w| self.ch.deadline(self.now, w));
        // A deferred item whose window ends after the period cannot be judged: it is worked, not counted.
        if self.ch.window_s.is_none() || deadline.is_finite() {
            self.counts[t].offered += 1.0;
        } else {
            self.counts[t].unjudged += 1.0;
        }
        self.queue.push_back(Waiting {
            arrived: self.now,
            gives_up,
            interval: t,
            deadline,
        });
        self.dispatch();
        self.next_arrival(t);
    }

    /// The next arrival after now: Poisson at the rate of the interval it falls in.
    fn next_arrival(&mut self, mut t: usize) {
        let mut from = self.now;
        while t < self.counts.len() {
            let rate = self.ch.volume[t] / self.ch.interval_s;
            let end = (t + 1) as f64 * self.ch.interval_s;
            if rate > 0.0 {
                let at = from + self.rng.exponential(1.0 / rate);
                if at < end {
                    self.push(at, Kind::Arrival);
                    return;
                }
            }
            // Memoryless: start afresh at the next interval's rate.
            from = end;
            t += 1;
        }
    }
}

/// Counts per arrival interval of one replication.
pub(crate) fn replicate(ch: &LiveChannel, handle: HandleTimes, rng: Rng) -> Vec<IntervalCounts> {
    let n = ch.volume.len();
    let mut sim = Sim {
        ch,
        handle,
        rng,
        heap: BinaryHeap::new(),
        seq: 0,
        now: 0.0,
        agents: Vec::new(),
        to_leave: 0,
        queue: VecDeque::new(),
        counts: vec![IntervalCounts::default(); n],
    };
    for (at, agents) in capacity_steps(ch) {
        sim.push(at, Kind::Capacity(agents));
    }
    sim.next_arrival(0);
    let end = n as f64 * ch.interval_s;
    while let Some(event) = sim.heap.pop() {
        if event.at >= end {
            break;
        }
        sim.advance(event.at);
        match event.kind {
            Kind::Capacity(agents) => sim.set_capacity(agents),
            Kind::Arrival => sim.arrive(),
            Kind::Completion { agent, version } => sim.complete(agent, version),
        }
    }
    sim.advance(end);
    // Still waiting at the end: they give up when their patience runs out, or are never answered.
    while let Some(left) = sim.queue.pop_front() {
        if left.gives_up.is_finite() {
            sim.abandon(left);
        }
    }
    sim.counts
}
