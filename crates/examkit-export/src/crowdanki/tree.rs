//! The decks of a package as CrowdAnki nests them: one top-level deck,
//! each deck holding its notes and its sub-decks (`children`).
//!
//! A package lists decks by full name (`A::B::C`). Parents missing from the
//! list (Anki would create them on import) are added without a
//! description. Sub-decks keep the order of the package, and so do the notes
//! of each deck.

use std::collections::HashMap;

use super::error::CrowdAnkiError;
use crate::anki::{AnkiError, Deck, Note, NoteProblem};

/// One deck of the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Node {
    /// The deck (for an added parent, one with no description).
    pub deck: Deck,
    /// The stable source the deck's UUID is derived from.
    pub source: String,
    /// Indexes of the sub-decks in [`Tree::nodes`], always greater than
    /// this node's own index.
    pub children: Vec<usize>,
    /// The positions in the package of this deck's notes, in order.
    pub notes: Vec<usize>,
}

impl Node {
    /// The last level of the deck's name, which CrowdAnki stores for
    /// sub-decks.
    pub fn short_name(&self) -> &str {
        self.deck
            .name
            .rsplit_once("::")
            .map_or(self.deck.name.as_str(), |(_, last)| last)
    }
}

/// The deck tree; `nodes[0]` is the top-level deck, and every node comes
/// after its parent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tree {
    pub nodes: Vec<Node>,
}

/// Builds the tree of `decks` (whose stable sources are `sources`, one per
/// deck) and places `notes` in it.
///
/// # Errors
/// When `sources` and `decks` differ in length, when there is no deck or
/// more than one top-level deck, or when a note names no deck of the
/// package.
pub(crate) fn build(
    decks: &[Deck],
    sources: &[String],
    notes: &[Note],
) -> Result<Tree, CrowdAnkiError> {
    if decks.len() != sources.len() {
        return Err(CrowdAnkiError::DeckSources {
            decks: decks.len(),
            sources: sources.len(),
        });
    }
    let mut builder = Builder::default();
    for (deck, source) in decks.iter().zip(sources) {
        let i = builder.node_for(&deck.name);
        let node = &mut builder.nodes[i];
        node.deck = deck.clone();
        node.source.clone_from(source);
        builder.by_id.insert(deck.id, i);
    }
    match builder.roots.as_slice() {
        [] => return Err(CrowdAnkiError::NoDeck),
        [_] => {}
        [first, second, ..] => {
            return Err(CrowdAnkiError::SeveralTopLevelDecks {
                first: builder.nodes[*first].deck.name.clone(),
                second: builder.nodes[*second].deck.name.clone(),
            });
        }
    }
    for (index, note) in notes.iter().enumerate() {
        let Some(&i) = builder.by_id.get(&note.deck_id) else {
            return Err(CrowdAnkiError::Invalid(AnkiError::InvalidNote {
                index,
                guid: note.guid.clone(),
                problem: NoteProblem::UnknownDeck(note.deck_id),
            }));
        };
        builder.nodes[i].notes.push(index);
    }
    Ok(Tree {
        nodes: builder.nodes,
    })
}

#[derive(Default)]
struct Builder {
    nodes: Vec<Node>,
    by_name: HashMap<String, usize>,
    by_id: HashMap<i64, usize>,
    roots: Vec<usize>,
}

impl Builder {
    /// The index of the node called `full_name`, creating it and any
    /// missing parents (outermost first, so parents precede children).
    fn node_for(&mut self, full_name: &str) -> usize {
        if let Some(&i) = self.by_name.get(full_name) {
            return i;
        }
        // The name and its missing parents, innermost first.
        let mut missing = vec![full_name];
        let mut parent = None;
        let mut name = full_name;
        while let Some((up, _)) = name.rsplit_once("::") {
            if let Some(&i) = self.by_name.get(up) {
                parent = Some(i);
                break;
            }
            missing.push(up);
            name = up;
        }
        let mut created = 0;
        for name in missing.into_iter().rev() {
            created = self.nodes.len();
            self.nodes.push(Node {
                deck: Deck::new(name, ""),
                source: format!("name/{name}"),
                children: Vec::new(),
                notes: Vec::new(),
            });
            self.by_name.insert(name.to_owned(), created);
            match parent {
                Some(p) => self.nodes[p].children.push(created),
                None => self.roots.push(created),
            }
            parent = Some(created);
        }
        created
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anki::QuestionFields;

    fn note(guid: &str, deck: &Deck) -> Note {
        Note::question(
            guid,
            deck.id,
            QuestionFields {
                stem: guid.into(),
                ..QuestionFields::default()
            },
            vec![],
            0,
        )
    }

    fn sources(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("s{i}")).collect()
    }

    #[test]
    fn nests_decks_and_places_notes_in_order() {
        let decks = vec![
            Deck::new("E", "exam"),
            Deck::new("E::D1", "d1"),
            Deck::new("E::D1::T1", "t1"),
            Deck::new("E::S", "s"),
        ];
        let notes = vec![
            note("a", &decks[2]),
            note("b", &decks[3]),
            note("c", &decks[2]),
        ];
        let tree = build(&decks, &sources(4), &notes).expect("valid");
        let names: Vec<&str> = tree.nodes.iter().map(Node::short_name).collect();
        assert_eq!(names, ["E", "D1", "T1", "S"]);
        assert_eq!(tree.nodes[0].children, [1, 3]);
        assert_eq!(tree.nodes[1].children, [2]);
        assert_eq!(tree.nodes[2].notes, [0, 2]);
        assert_eq!(tree.nodes[3].notes, [1]);
        assert!(tree.nodes[0].notes.is_empty());
        assert_eq!(tree.nodes[2].source, "s2");
        assert_eq!(tree.nodes[2].deck.description, "t1");
    }

    #[test]
    fn adds_missing_parents_and_fills_them_in_when_listed_later() {
        let decks = vec![Deck::new("E::D::T", "t"), Deck::new("E", "exam")];
        let tree = build(&decks, &sources(2), &[]).expect("valid");
        let names: Vec<&str> = tree.nodes.iter().map(|n| n.deck.name.as_str()).collect();
        assert_eq!(names, ["E", "E::D", "E::D::T"]);
        assert_eq!(tree.nodes[0].deck.description, "exam");
        assert_eq!(tree.nodes[0].source, "s1");
        assert_eq!(tree.nodes[1].source, "name/E::D");
        assert_eq!(tree.nodes[1].deck.description, "");
        for (i, node) in tree.nodes.iter().enumerate() {
            assert!(node.children.iter().all(|&c| c > i));
        }
    }

    #[test]
    fn rejects_what_crowdanki_cannot_hold() {
        assert!(matches!(build(&[], &[], &[]), Err(CrowdAnkiError::NoDeck)));
        let two = vec![Deck::new("A", ""), Deck::new("B::C", "")];
        match build(&two, &sources(2), &[]) {
            Err(CrowdAnkiError::SeveralTopLevelDecks { first, second }) => {
                assert_eq!((first.as_str(), second.as_str()), ("A", "B"));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            build(&two, &sources(1), &[]),
            Err(CrowdAnkiError::DeckSources {
                decks: 2,
                sources: 1
            })
        ));
        let decks = vec![Deck::new("A", "")];
        let stray = note("x", &Deck::new("Elsewhere", ""));
        assert!(matches!(
            build(&decks, &sources(1), std::slice::from_ref(&stray)),
            Err(CrowdAnkiError::Invalid(AnkiError::InvalidNote {
                problem: NoteProblem::UnknownDeck(_),
                ..
            }))
        ));
    }
}
