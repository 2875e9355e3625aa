//! The machine's cores, shared by the threads of a run: queries run side by side on them, and a file is read in
//! blocks on those no query holds, so that threads never outnumber cores.

use std::cell::Cell;
use std::marker::PhantomData;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Cores held by the threads of the process.
static HELD: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// Whether this thread holds a core of its own (a worker of queries side by side).
    static HOLDS: Cell<bool> = const { Cell::new(false) };
}

/// Cores held, given back when dropped.
pub struct Held {
    /// Held in all, and of them besides the thread's own.
    count: usize,
    more: usize,
    from: &'static AtomicUsize,
    own: bool,
    /// Dropped on the thread that holds it, whose flag it clears.
    _thread: PhantomData<*const ()>,
}

impl Held {
    /// The cores held besides the thread's own.
    pub fn more(&self) -> usize {
        self.more
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        self.from.fetch_sub(self.count, Ordering::AcqRel);
        if self.own {
            HOLDS.set(false);
        }
    }
}

/// Holds a core for this thread while the guard lives: a worker that runs queries.
pub fn hold_own() -> Held {
    let mut held = hold_of(&HELD, cores(), 1, false);
    // None left (blocks of a file hold them all): uncounted, its readings count it themselves.
    held.own = held.count == 1;
    HOLDS.set(held.own);
    held
}

/// Holds up to `wanted` cores no thread holds besides this thread's own (held too, when no one counted it).
pub fn hold_more(wanted: usize) -> Held {
    hold_of(&HELD, cores(), wanted, !HOLDS.get())
}

/// The machine's cores, asked once: the system reads its limits again at each call.
fn cores() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |c| c.get()))
}

/// Holds up to `wanted` of the `cores` counted in `held` (`uncounted`: and one for this thread).
pub(crate) fn hold_of(
    held: &'static AtomicUsize,
    cores: usize,
    wanted: usize,
    uncounted: bool,
) -> Held {
    let own = usize::from(uncounted);
    let mut now = held.load(Ordering::Acquire);
    loop {
        let count = (wanted + own).min(cores.saturating_sub(now));
        match held.compare_exchange_weak(now, now + count, Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) => {
                return Held {
                    count,
                    more: count.saturating_sub(own),
                    from: held,
                    own: false,
                    _thread: PhantomData,
                };
            }
            Err(other) => now = other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cores_held_are_given_back() {
        static HELD: AtomicUsize = AtomicUsize::new(0);
        // Two queries side by side: no core left for blocks.
        let query = hold_of(&HELD, 2, 1, false);
        let other = hold_of(&HELD, 2, 1, false);
        assert_eq!(hold_of(&HELD, 2, 4, false).more(), 0);
        // One left: its reading takes the other core.
        drop(other);
        let blocks = hold_of(&HELD, 2, 4, false);
        assert_eq!(blocks.more(), 1);
        drop((query, blocks));
        // A thread that holds no core (the main one) counts its own.
        let main = hold_of(&HELD, 2, 4, true);
        assert_eq!(main.more(), 1);
        assert_eq!(HELD.load(Ordering::Acquire), 2);
        drop(main);
        assert_eq!(HELD.load(Ordering::Acquire), 0);
    }
}
