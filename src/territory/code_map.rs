//! A map from territory codes, iterated in code order and looked up by hash:
//! every row of a national file looks up its commune, and a sorted tree of
//! 35 000 string keys spends its time comparing them.

use std::hash::BuildHasher;

use compact_str::CompactString;
use foldhash::fast::FixedState;
use hashbrown::HashTable;

#[derive(Debug, Clone)]
pub struct CodeMap<V> {
    /// Sorted by code.
    entries: Vec<(CompactString, V)>,
    /// Positions in `entries`, hashed by their code (not a copy of each code).
    index: HashTable<usize>,
    hasher: FixedState,
}

impl<V> CodeMap<V> {
    pub fn get(&self, code: &str) -> Option<&V> {
        let hash = self.hasher.hash_one(code);
        self.index
            .find(hash, |&i| self.entries[i].0 == code)
            .map(|&i| &self.entries[i].1)
    }

    /// The value of `code` and its rank in code order.
    pub fn get_full(&self, code: &str) -> Option<(usize, &V)> {
        let hash = self.hasher.hash_one(code);
        let i = *self.index.find(hash, |&i| self.entries[i].0 == code)?;
        Some((i, &self.entries[i].1))
    }

    pub fn get_mut(&mut self, code: &str) -> Option<&mut V> {
        let hash = self.hasher.hash_one(code);
        let entries = &self.entries;
        let i = *self.index.find(hash, |&i| entries[i].0 == code)?;
        Some(&mut self.entries[i].1)
    }

    /// Every value, in code order, to change (the codes stay).
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.entries.iter_mut().map(|(_, v)| v)
    }

    /// The value of rank `rank` in code order.
    pub fn value_at(&self, rank: usize) -> &V {
        &self.entries[rank].1
    }

    pub fn contains_key(&self, code: &str) -> bool {
        self.get(code).is_some()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// In code order.
    pub fn iter(&self) -> impl Iterator<Item = (&CompactString, &V)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// In code order.
    pub fn keys(&self) -> impl Iterator<Item = &CompactString> {
        self.entries.iter().map(|(k, _)| k)
    }

    /// In code order.
    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.entries.iter().map(|(_, v)| v)
    }
}

impl<V> Default for CodeMap<V> {
    fn default() -> Self {
        CodeMap {
            entries: Vec::new(),
            index: HashTable::new(),
            hasher: FixedState::default(),
        }
    }
}

impl<V> CodeMap<V> {
    /// From entries sorted by code, each code once.
    pub fn from_sorted(entries: Vec<(CompactString, V)>) -> Self {
        debug_assert!(entries.windows(2).all(|w| w[0].0 < w[1].0));
        let hasher = FixedState::default();
        let mut index = HashTable::with_capacity(entries.len());
        for (i, (code, _)) in entries.iter().enumerate() {
            // Each code once: no lookup before inserting.
            index.insert_unique(hasher.hash_one(code.as_str()), i, |&j| {
                hasher.hash_one(entries[j].0.as_str())
            });
        }
        CodeMap {
            entries,
            index,
            hasher,
        }
    }
}

impl<V> std::ops::Index<&str> for CodeMap<V> {
    type Output = V;

    fn index(&self, code: &str) -> &V {
        self.get(code)
            .unwrap_or_else(|| panic!("code {code} absent"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn looks_up_and_iterates_in_code_order() {
        let map: CodeMap<u8> = CodeMap::from_sorted(vec![
            ("01001".into(), 1),
            ("2A004".into(), 2),
            ("2B033".into(), 3),
        ]);
        assert_eq!(map.get("2A004"), Some(&2));
        assert_eq!(map.get("99999"), None);
        assert!(map.contains_key("01001") && !map.contains_key("0100"));
        assert_eq!(map["2B033"], 3);
        let keys: Vec<&str> = map.keys().map(CompactString::as_str).collect();
        assert_eq!(keys, ["01001", "2A004", "2B033"]);
        assert_eq!(map.values().copied().collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(map.len(), 3);
    }
}
