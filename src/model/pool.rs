//! Blended pools (`[[pool]]`): one live channel and the deferred channels its agents work when the live
//! queue is quiet.
//!
//! # Routing policy
//! The threshold policy of Bhulai & Koole (2003, "A queueing model for call blending in call centers",
//! IEEE Trans. Automatic Control 48(8)): a free agent takes a waiting live contact first; deferred work is
//! started only while more than `reserve` agents of the pool are idle, and is never interrupted
//! (non-preemptive). Bhulai & Koole show a threshold on idle agents is optimal (or nearly so) when
//! live contacts have a waiting-time target and deferred work is to be maximised. While the live channel
//! is closed nothing is held in reserve.
//!
//! With `reserve_by_load` (the default) the threshold depends on the interval: the smallest reserve, at
//! least `reserve`, under which the live targets still hold with deferred work always waiting, in the
//! backlog chain of [`crate::queueing::blend`] at the interval's forecast and staffing. Still a threshold
//! policy of Bhulai & Koole in every interval; the threshold rises where the phones are busy, so e-mail
//! waits (within its window) for quieter intervals instead of taking agents from a peak.

use super::checker::Checker;
use super::raw::RawPool;
use super::{Channel, ChannelKind};
use toml::Spanned;

/// The reserve when the model gives none: with the reserve by load, the least reserve of any interval
/// (the load raises it where needed: see the README's "Blended pools").
pub const DEFAULT_RESERVE: u32 = 1;

/// A validated pool.
#[derive(Debug, Clone, PartialEq)]
pub struct Pool {
    pub name: String,
    /// Index of the live (immediate, one contact at a time) channel.
    pub live: usize,
    /// Indices of the deferred channels, in the order the pool lists them.
    pub deferred: Vec<usize>,
    /// Deferred work starts only while more than this many agents of the pool are idle (with
    /// `by_load`, at least this many).
    pub reserve: u32,
    /// The reserve rises per interval until the live targets hold (see the module docs).
    pub by_load: bool,
}

impl Pool {
    /// The live channel followed by the deferred ones.
    pub fn channels(&self) -> impl Iterator<Item = usize> + '_ {
        std::iter::once(self.live).chain(self.deferred.iter().copied())
    }
}

/// Validates the pools: known channels, exactly one live channel without concurrency, at least one
/// deferred channel, no channel in two pools.
pub(crate) fn validate_pools(
    c: &mut Checker<'_>,
    raw: &[Spanned<RawPool>],
    channels: &[Channel],
    names: &[String],
) -> Vec<Pool> {
    let mut pools: Vec<Pool> = Vec::new();
    let mut pool_names: Vec<String> = Vec::new();
    for spanned in raw {
        let p = spanned.get_ref();
        let name = p.name.get_ref().trim().to_string();
        let field = |key: &str| format!("pool '{name}': {key}");
        if name.is_empty() || name.contains([',', '"', '\n']) || name.chars().count() > 200 {
            c.report(
                p.name.span().start,
                format!("pool: name: expected a name without commas or quotes, found '{name}'"),
            );
        } else if pool_names.contains(&name) {
            c.report(
                p.name.span().start,
                format!("pool: name: pool '{name}' is defined twice"),
            );
        }
        pool_names.push(name.clone());
        let reserve = match &p.reserve {
            Some(r) => c.whole(
                r,
                0..=10_000,
                &field("reserve"),
                "a whole number of idle agents, 0 or more",
            ),
            None => Some(DEFAULT_RESERVE),
        };
        let members = members(c, p, &name, channels, names, &pools);
        if let (Some((live, deferred)), Some(reserve)) = (members, reserve) {
            pools.push(Pool {
                name,
                live,
                deferred,
                reserve,
                by_load: p.reserve_by_load.unwrap_or(true),
            });
        }
    }
    pools
}

/// The pool's live channel and deferred channels, each reported where it is wrong.
fn members(
    c: &mut Checker<'_>,
    p: &RawPool,
    name: &str,
    channels: &[Channel],
    names: &[String],
    earlier: &[Pool],
) -> Option<(usize, Vec<usize>)> {
    let field = format!("pool '{name}': channels");
    let mut live = Vec::new();
    let mut deferred = Vec::new();
    let mut ok = true;
    for ch in p.channels.get_ref() {
        let at = ch.span().start;
        let wanted = ch.get_ref().trim();
        if !names.iter().any(|n| n == wanted) {
            c.report(
                at,
                format!("{field}: expected a channel defined above, found '{wanted}'"),
            );
            ok = false;
            continue;
        }
        // A channel invalid itself is reported there.
        let Some(index) = channels.iter().position(|x| x.name == wanted) else {
            ok = false;
            continue;
        };
        let channel = &channels[index];
        if live.contains(&index) || deferred.contains(&index) {
            c.report(at, format!("{field}: '{wanted}' is listed twice"));
            ok = false;
        } else if earlier.iter().any(|q| q.channels().any(|x| x == index)) {
            c.report(
                at,
                format!("{field}: '{wanted}' is already in another pool"),
            );
            ok = false;
        } else {
            match &channel.kind {
                ChannelKind::Immediate {
                    concurrency: Some(_),
                    ..
                } => {
                    c.report(at, format!("{field}: '{wanted}' handles several contacts at once; a pool's live channel takes one at a time"));
                    ok = false;
                }
                ChannelKind::Immediate { .. } => live.push(index),
                ChannelKind::Deferred { .. } => deferred.push(index),
            }
        }
    }
    let at = p.channels.span().start;
    if ok && live.len() != 1 {
        c.report(
            at,
            format!(
                "{field}: expected exactly one immediate channel, found {}",
                live.len()
            ),
        );
        ok = false;
    }
    if ok && deferred.is_empty() {
        c.report(
            at,
            format!("{field}: expected at least one deferred channel, found none"),
        );
        ok = false;
    }
    ok.then(|| (live[0], deferred))
}
