//! The keys seen so far in a table, to refuse a duplicated one: every key in one string, found through a hash
//! table of their places in it, so that a national file (35 000 rows) costs no allocation per row.

use std::hash::BuildHasher;

use foldhash::fast::FixedState;
use hashbrown::HashTable;

#[derive(Default)]
pub(crate) struct KeySet {
    keys: String,
    /// Start and end of a key in `keys`, and the line where it was first seen.
    places: HashTable<(u32, u32, u32)>,
    hasher: FixedState,
}

impl KeySet {
    pub(crate) fn with_capacity(rows: usize) -> Self {
        KeySet {
            places: HashTable::with_capacity(rows),
            ..KeySet::default()
        }
    }

    /// Records `key` first seen at `line`; or, when it was seen before, the line where it was.
    pub(crate) fn first_line(&mut self, key: &str, line: u32) -> Option<u32> {
        let hash = self.hasher.hash_one(key);
        let keys = &self.keys;
        let at = |&(start, end, _): &(u32, u32, u32)| &keys[start as usize..end as usize] == key;
        if let Some(&(_, _, first)) = self.places.find(hash, at) {
            return Some(first);
        }
        let start = self.keys.len() as u32;
        self.keys.push_str(key);
        let place = (start, self.keys.len() as u32, line);
        let (keys, hasher) = (&self.keys, &self.hasher);
        self.places.insert_unique(hash, place, |&(start, end, _)| {
            hasher.hash_one(&keys[start as usize..end as usize])
        });
        None
    }

    /// Records the keys of `other` (a later block of the same file), unless one of them was seen here: false then.
    pub(crate) fn absorb(&mut self, other: &KeySet) -> bool {
        other.places.iter().all(|&(start, end, line)| {
            self.first_line(&other.keys[start as usize..end as usize], line)
                .is_none()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_seen_again_gives_its_first_line() {
        let mut seen = KeySet::with_capacity(1);
        // Past the capacity: the table grows and still finds every key.
        for (i, key) in ["01001", "2A004", "97101", "01002"].iter().enumerate() {
            assert_eq!(seen.first_line(key, i as u32 + 2), None);
        }
        assert_eq!(seen.first_line("2A004", 9), Some(3));
        assert_eq!(seen.first_line("01002", 10), Some(5));
        // A key that is the start of another is not it.
        assert_eq!(seen.first_line("0100", 11), None);
        assert_eq!(seen.first_line("0100", 12), Some(11));
    }

    #[test]
    fn blocks_absorbed_share_no_key() {
        let block = |keys: &[(&str, u32)]| {
            let mut seen = KeySet::default();
            for &(key, line) in keys {
                assert_eq!(seen.first_line(key, line), None);
            }
            seen
        };
        let mut first = block(&[("01001", 2), ("01002", 3)]);
        assert!(first.absorb(&block(&[("01003", 4), ("01004", 5)])));
        // A key of the third block seen in the second.
        assert!(!first.absorb(&block(&[("01005", 6), ("01004", 7)])));
        assert_eq!(first.first_line("01003", 9), Some(4));
    }
}
