//! Event recording that folds repeats into a series only when the note is the same too.
//!
//! kube's `Recorder` keys its series cache on reason, action and the regarding object but not on
//! the note (client-go's `events` recorder does include it), so a second `SecretRepaired` naming
//! other items, or a second failure with another cause, became a `series.count` bump on the first
//! Event and its note was lost. One `Recorder` per distinct note restores client-go's key.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use k8s_openapi::api::core::v1::ObjectReference;
use kube::Client;
use kube::runtime::events::{Event, Recorder, Reporter};

/// Distinct notes kept before the map is emptied; emptying only costs folding (a repeat then
/// starts a new Event), never an Event, and bounds memory under many distinct failure notes.
const MAX_NOTES: usize = 512;

/// Publishes Events; identical ones (note included) within kube's cache TTL form one series.
#[derive(Clone)]
pub struct NoteRecorder {
    client: Client,
    reporter: Reporter,
    by_note: Arc<Mutex<HashMap<String, Recorder>>>,
}

impl NoteRecorder {
    pub fn new(client: Client, reporter: Reporter) -> Self {
        Self {
            client,
            reporter,
            by_note: Arc::default(),
        }
    }

    fn recorder_for(&self, note: &str) -> Recorder {
        let Ok(mut by_note) = self.by_note.lock() else {
            // A poisoned map: a fresh recorder still publishes, it just cannot fold.
            return Recorder::new(self.client.clone(), self.reporter.clone());
        };
        if by_note.len() >= MAX_NOTES && !by_note.contains_key(note) {
            by_note.clear();
        }
        by_note
            .entry(note.to_owned())
            .or_insert_with(|| Recorder::new(self.client.clone(), self.reporter.clone()))
            .clone()
    }

    pub async fn publish(
        &self,
        event: &Event,
        regarding: &ObjectReference,
    ) -> Result<(), kube::Error> {
        let note = event.note.as_deref().unwrap_or_default();
        self.recorder_for(note).publish(event, regarding).await
    }
}
