//! Which channel the agents on shift work in one interval.
//!
//! Agents of a template with several channels (a "group") work one channel at a time. Given the agents
//! present per group, the allocation is a maximum flow from groups to channels (Edmonds–Karp on a graph
//! of a few nodes): first up to each channel's minimum, then — keeping that flow — up to its requirement.
//! Spare agents of a group then work its open channels in proportion to their requirement, in whole
//! agents (largest remainders; a fraction left by a break in part of the interval goes to the largest
//! share); agents whose channels are all closed work none. A greedy fill in channel order could leave a
//! channel short that a different assignment covers; the flow cannot.

const EPS: f64 = 1e-9;

/// Agents working each channel, from agents present per group.
///
/// `groups[g]` lists the channels of group `g`; `minimum[c] ≤ required[c]` and `open[c]` are per channel.
pub(crate) fn allocate(
    present: &[f64],
    groups: &[Vec<usize>],
    minimum: &[f64],
    required: &[f64],
    open: &[bool],
) -> Vec<f64> {
    let (ng, nc) = (groups.len(), minimum.len());
    // Nodes: 0 source, 1..=ng groups, ng+1..=ng+nc channels, ng+nc+1 sink. Capacities and flows in
    // flat n×n arrays: the plan's local search and the roster's start moves call this per interval
    // touched by each move they try, so it allocates once, not once per row and path.
    let n = ng + nc + 2;
    let (source, sink) = (0, n - 1);
    let mut net = Network::new(n);
    for (g, channels) in groups.iter().enumerate() {
        net.cap[source * n + 1 + g] = present[g].max(0.0);
        for &c in channels {
            net.cap[(1 + g) * n + 1 + ng + c] = f64::INFINITY;
        }
    }
    for level in [minimum, required] {
        for c in 0..nc {
            net.cap[(1 + ng + c) * n + sink] = level[c].max(minimum[c]).max(0.0);
        }
        while net.augment(source, sink) {}
    }
    let flow = |u: usize, v: usize| net.flow[u * n + v];
    let mut working: Vec<f64> = (0..nc).map(|c| flow(1 + ng + c, sink).max(0.0)).collect();
    for (g, channels) in groups.iter().enumerate() {
        let spare = present[g].max(0.0) - flow(source, 1 + g);
        let open: Vec<usize> = channels.iter().copied().filter(|&c| open[c]).collect();
        if spare <= EPS || open.is_empty() {
            continue;
        }
        for (c, x) in split_spare(spare, &open, required) {
            working[c] += x;
        }
    }
    working
}

/// A flow network on `n` nodes: capacities and flows by `u * n + v`, and the breadth-first search's
/// buffers.
struct Network {
    n: usize,
    cap: Vec<f64>,
    flow: Vec<f64>,
    previous: Vec<usize>,
    queue: Vec<usize>,
}

impl Network {
    fn new(n: usize) -> Network {
        Network {
            n,
            cap: vec![0.0; n * n],
            flow: vec![0.0; n * n],
            previous: vec![usize::MAX; n],
            queue: Vec::with_capacity(n),
        }
    }

    fn residual(&self, u: usize, v: usize) -> f64 {
        self.cap[u * self.n + v] - self.flow[u * self.n + v]
    }

    /// Pushes flow along the shortest augmenting path (breadth first, nodes in index order: the
    /// Edmonds–Karp choice), by its bottleneck; false when no residual capacity remains.
    fn augment(&mut self, source: usize, sink: usize) -> bool {
        let n = self.n;
        self.previous.fill(usize::MAX);
        self.previous[source] = source;
        self.queue.clear();
        self.queue.push(source);
        let mut head = 0;
        // The path to the sink is fixed when the sink is first reached.
        while head < self.queue.len() && self.previous[sink] == usize::MAX {
            let u = self.queue[head];
            head += 1;
            for v in 0..n {
                if self.previous[v] == usize::MAX && self.residual(u, v) > EPS {
                    self.previous[v] = u;
                    self.queue.push(v);
                }
            }
        }
        if self.previous[sink] == usize::MAX {
            return false;
        }
        let mut amount = f64::INFINITY;
        let mut v = sink;
        while v != source {
            let u = self.previous[v];
            amount = amount.min(self.residual(u, v));
            v = u;
        }
        let mut v = sink;
        while v != source {
            let u = self.previous[v];
            self.flow[u * n + v] += amount;
            self.flow[v * n + u] -= amount;
            v = u;
        }
        true
    }
}

/// `spare` agents over `channels` in proportion to their requirement (equally when none requires
/// anyone), in whole agents by largest remainder; a fraction of an agent goes to the largest share.
fn split_spare(spare: f64, channels: &[usize], required: &[f64]) -> Vec<(usize, f64)> {
    let weight: f64 = channels.iter().map(|&c| required[c]).sum();
    let shares: Vec<f64> = channels
        .iter()
        .map(|&c| {
            let w = if weight > 0.0 {
                required[c] / weight
            } else {
                1.0 / channels.len() as f64
            };
            spare * w
        })
        .collect();
    let mut out: Vec<f64> = shares.iter().map(|s| s.floor()).collect();
    let whole_left = (spare.floor() - out.iter().sum::<f64>()).round().max(0.0) as usize;
    let mut order: Vec<usize> = (0..shares.len()).collect();
    // Largest remainder first; ties to the channel listed first (deterministic).
    order.sort_by(|&a, &b| {
        let (ra, rb) = (shares[a] - out[a], shares[b] - out[b]);
        rb.total_cmp(&ra).then(a.cmp(&b))
    });
    for &i in order.iter().take(whole_left) {
        out[i] += 1.0;
    }
    let fraction = spare - spare.floor();
    if fraction > EPS {
        let largest = (0..shares.len())
            .max_by(|&a, &b| shares[a].total_cmp(&shares[b]).then(b.cmp(&a)))
            .unwrap_or(0);
        out[largest] += fraction;
    }
    channels.iter().copied().zip(out).collect()
}

#[cfg(test)]
mod tests {
    use super::{allocate, split_spare, EPS};

    #[test]
    fn a_different_assignment_covers_what_a_greedy_fill_would_miss() {
        // Channels voice 0, chat 1, email 2; group A = {voice, chat}, B = {voice, email}; one agent each.
        // Need voice 1 and chat 1: A must take chat and B voice (a greedy fill would put A on voice).
        let got = allocate(
            &[1.0, 1.0],
            &[vec![0, 1], vec![0, 2]],
            &[1.0, 1.0, 0.0],
            &[1.0, 1.0, 0.0],
            &[true; 3],
        );
        assert_eq!(got, vec![1.0, 1.0, 0.0]);
    }

    #[test]
    fn minimums_first_then_requirements_then_spare_in_whole_agents() {
        // One shared group of 10 agents; minimums 2 and 1, requirements 6 and 2: both requirements met
        // (8), the 2 spare split 6:2 = 1.5 : 0.5 in whole agents — the tie of remainders goes to the
        // first channel.
        let got = allocate(&[10.0], &[vec![0, 1]], &[2.0, 1.0], &[6.0, 2.0], &[true; 2]);
        assert_eq!(got, vec![8.0, 2.0]);
        // 11 spare agents 3:1 → 8.25 : 2.75 → 8 and 3 (largest remainder).
        let got = allocate(&[11.0], &[vec![0, 1]], &[0.0, 0.0], &[3.0, 1.0], &[true; 2]);
        assert_eq!(got, vec![8.0, 3.0]);
        // Too few agents: the minimums are served before any requirement beyond them.
        let got = allocate(&[3.0], &[vec![0, 1]], &[2.0, 1.0], &[6.0, 2.0], &[true; 2]);
        assert_eq!(got, vec![2.0, 1.0]);
    }

    #[test]
    fn spare_agents_never_work_a_closed_channel() {
        // Chat closed: the spare agent of the voice+chat group stays on voice; with both closed, idle.
        let got = allocate(
            &[3.0],
            &[vec![0, 1]],
            &[1.0, 0.0],
            &[1.0, 0.0],
            &[true, false],
        );
        assert_eq!(got, vec![3.0, 0.0]);
        let got = allocate(
            &[2.0],
            &[vec![0, 1]],
            &[0.0, 0.0],
            &[0.0, 0.0],
            &[false, false],
        );
        assert_eq!(got, vec![0.0, 0.0]);
        // Half an agent (a break over half the interval) goes to the larger share.
        let got = allocate(&[4.5], &[vec![0, 1]], &[0.0, 0.0], &[1.0, 3.0], &[true; 2]);
        assert_eq!(got, vec![1.0, 3.5]);
    }

    /// The allocation as first written: the textbook Edmonds–Karp on nested rows, a full breadth-first
    /// search per path, the path gathered in a vector. The flat network must give the same flows.
    fn textbook(
        present: &[f64],
        groups: &[Vec<usize>],
        minimum: &[f64],
        required: &[f64],
        open: &[bool],
    ) -> Vec<f64> {
        let (ng, nc) = (groups.len(), minimum.len());
        let n = ng + nc + 2;
        let (source, sink) = (0, n - 1);
        let mut cap = vec![vec![0.0f64; n]; n];
        for (g, channels) in groups.iter().enumerate() {
            cap[source][1 + g] = present[g].max(0.0);
            for &c in channels {
                cap[1 + g][1 + ng + c] = f64::INFINITY;
            }
        }
        let mut flow = vec![vec![0.0f64; n]; n];
        for level in [minimum, required] {
            for c in 0..nc {
                cap[1 + ng + c][sink] = level[c].max(minimum[c]).max(0.0);
            }
            loop {
                let mut previous = vec![usize::MAX; n];
                previous[source] = source;
                let mut queue = std::collections::VecDeque::from([source]);
                while let Some(u) = queue.pop_front() {
                    for v in 0..n {
                        if previous[v] == usize::MAX && cap[u][v] - flow[u][v] > EPS {
                            previous[v] = u;
                            queue.push_back(v);
                        }
                    }
                }
                if previous[sink] == usize::MAX {
                    break;
                }
                let mut path = vec![sink];
                let mut amount = f64::INFINITY;
                let mut v = sink;
                while v != source {
                    let u = previous[v];
                    amount = amount.min(cap[u][v] - flow[u][v]);
                    path.push(u);
                    v = u;
                }
                path.reverse();
                for w in path.windows(2) {
                    flow[w[0]][w[1]] += amount;
                    flow[w[1]][w[0]] -= amount;
                }
            }
        }
        let mut working: Vec<f64> = (0..nc).map(|c| flow[1 + ng + c][sink].max(0.0)).collect();
        for (g, channels) in groups.iter().enumerate() {
            let spare = present[g].max(0.0) - flow[source][1 + g];
            let open: Vec<usize> = channels.iter().copied().filter(|&c| open[c]).collect();
            if spare <= EPS || open.is_empty() {
                continue;
            }
            for (c, x) in split_spare(spare, &open, required) {
                working[c] += x;
            }
        }
        working
    }

    proptest::proptest! {
        /// Random groups over up to four channels, presences in quarter agents (breaks cut
        /// intervals), minimums below requirements, channels open or closed: bit for bit the same.
        #[test]
        fn the_flat_network_gives_the_textbook_flows(
            nc in 1usize..=4,
            masks in proptest::collection::vec(1u8..16, 1..6),
            present in proptest::collection::vec(0u32..60, 5),
            minimum in proptest::collection::vec(0u32..24, 4),
            extra in proptest::collection::vec(0u32..24, 4),
            open in proptest::collection::vec(proptest::bool::weighted(0.8), 4),
        ) {
            let groups: Vec<Vec<usize>> = masks
                .iter()
                .map(|m| (0..nc).filter(|c| m & (1 << c) != 0).collect::<Vec<usize>>())
                .filter(|g| !g.is_empty())
                .collect();
            let present: Vec<f64> = present[..groups.len()].iter().map(|&p| f64::from(p) / 4.0).collect();
            let minimum: Vec<f64> = minimum[..nc].iter().map(|&m| f64::from(m) / 3.0).collect();
            let required: Vec<f64> = minimum.iter().zip(&extra).map(|(m, e)| m + f64::from(*e) / 3.0).collect();
            let got = allocate(&present, &groups, &minimum, &required, &open[..nc]);
            let want = textbook(&present, &groups, &minimum, &required, &open[..nc]);
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<u64>>();
            proptest::prop_assert_eq!(bits(&got), bits(&want));
        }
    }
}
