//! Offsets as the CLI reports them: code points of the decoded original.

/// Byte offset → code point offset, for offsets given in increasing order or not.
pub(super) struct CharOffsets {
    starts: Vec<usize>,
}

impl CharOffsets {
    pub(super) fn new(text: &str) -> Self {
        CharOffsets {
            starts: text
                .char_indices()
                .map(|(i, _)| i)
                .chain(std::iter::once(text.len()))
                .collect(),
        }
    }

    pub(super) fn get(&self, byte: usize) -> usize {
        self.starts.partition_point(|&s| s < byte)
    }
}
