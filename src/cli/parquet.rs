//! Parquet tables for `soi index`, written a row group at a time so memory stays bounded.
//!
//! Rows are buffered column by column and written as one row group every [`ROW_GROUP`]
//! rows or 16 MB, whichever comes first (after a document's rows), with parquet's
//! low-level column writer (no arrow: the tables are flat columns of text, integers and
//! booleans, and arrow's arrays and kernels would roughly double the
//! build for nothing). A table is written to `NAME.parquet.tmp` and renamed to
//! `NAME.parquet` only once closed, so an interrupted run never leaves a file that looks
//! complete. Nothing in a file depends on the clock or the machine: the same rows give the
//! same bytes.

use parquet::basic::Compression;
pub(super) use parquet::data_type::ByteArray;
use parquet::data_type::{BoolType, ByteArrayType, Int64Type};
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Rows per row group at most: large enough for good column encoding.
pub(super) const ROW_GROUP: usize = 256 * 1024;

/// Buffered bytes per table at most (roughly: each text value costs its length plus its
/// handle): a group of `documents`, 20 columns of paths and titles, is flushed long before
/// [`ROW_GROUP`] rows, so five tables never hold more than ~80 MB between them.
const GROUP_BYTES: usize = 16 << 20;

/// What a buffered text value costs besides its bytes (the `ByteArray` handle and its
/// allocation).
const TEXT_OVERHEAD: usize = 48;

/// A column's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// UTF-8 text, never null.
    Text,
    /// UTF-8 text or null.
    OptText,
    /// A 64-bit integer, never null.
    Int,
    /// A 64-bit integer or null.
    OptInt,
    /// A boolean, never null.
    Bool,
}

/// One value of a row, in the column's kind.
#[derive(Debug, Clone, Copy)]
pub(super) enum V<'a> {
    /// For [`Kind::Text`].
    T(&'a str),
    /// For [`Kind::OptText`].
    OT(Option<&'a str>),
    /// For [`Kind::Int`].
    I(i64),
    /// For [`Kind::OptInt`].
    OI(Option<i64>),
    /// For [`Kind::Bool`].
    B(bool),
}

/// A column's buffered values (and definition levels for the nullable ones).
enum Buf {
    Text(Vec<ByteArray>, Vec<i16>),
    Int(Vec<i64>, Vec<i16>),
    Bool(Vec<bool>),
}

impl Buf {
    fn new(kind: Kind) -> Buf {
        match kind {
            Kind::Text | Kind::OptText => Buf::Text(Vec::new(), Vec::new()),
            Kind::Int | Kind::OptInt => Buf::Int(Vec::new(), Vec::new()),
            Kind::Bool => Buf::Bool(Vec::new()),
        }
    }

    /// Move `other`'s values after this one's (both of the same kind).
    fn append(&mut self, other: &mut Buf) {
        match (self, other) {
            (Buf::Text(v, d), Buf::Text(ov, od)) => {
                v.append(ov);
                d.append(od);
            }
            (Buf::Int(v, d), Buf::Int(ov, od)) => {
                v.append(ov);
                d.append(od);
            }
            (Buf::Bool(v), Buf::Bool(ov)) => v.append(ov),
            _ => {}
        }
    }
}

/// Rows buffered column by column: a table's next row group, or one document's rows built
/// on the thread that analyzed it and moved into the table later ([`Table::append`]).
pub(super) struct Rows {
    kinds: Vec<Kind>,
    bufs: Vec<Buf>,
    /// Rows held.
    len: usize,
    /// About how many bytes they take.
    bytes: usize,
}

impl Rows {
    /// No rows yet, of these columns.
    pub(super) fn new(columns: &[(&str, Kind)]) -> Rows {
        Rows {
            kinds: columns.iter().map(|c| c.1).collect(),
            bufs: columns.iter().map(|c| Buf::new(c.1)).collect(),
            len: 0,
            bytes: 0,
        }
    }

    /// Take the rows held, leaving none (of the same columns).
    fn take(&mut self) -> Rows {
        let empty = Rows {
            kinds: self.kinds.clone(),
            bufs: self.kinds.iter().map(|&k| Buf::new(k)).collect(),
            len: 0,
            bytes: 0,
        };
        std::mem::replace(self, empty)
    }

    /// Add one row; its values must follow the columns' kinds (a mismatch is an error).
    pub(super) fn row(&mut self, values: &[V]) -> io::Result<()> {
        if values.len() != self.bufs.len() {
            return Err(io::Error::other(format!(
                "{} values for {} columns",
                values.len(),
                self.bufs.len()
            )));
        }
        let mut bytes = 0;
        for ((buf, &v), kind) in self.bufs.iter_mut().zip(values).zip(&self.kinds) {
            bytes += match v {
                V::T(s) | V::OT(Some(s)) => s.len() + TEXT_OVERHEAD,
                _ => 8,
            };
            match (buf, v, kind) {
                (Buf::Text(vals, _), V::T(s), Kind::Text) => vals.push(s.as_bytes().into()),
                (Buf::Text(vals, defs), V::OT(s), Kind::OptText) => {
                    defs.push(i16::from(s.is_some()));
                    if let Some(s) = s {
                        vals.push(s.as_bytes().into());
                    }
                }
                (Buf::Int(vals, _), V::I(n), Kind::Int) => vals.push(n),
                (Buf::Int(vals, defs), V::OI(n), Kind::OptInt) => {
                    defs.push(i16::from(n.is_some()));
                    if let Some(n) = n {
                        vals.push(n);
                    }
                }
                (Buf::Bool(vals), V::B(b), Kind::Bool) => vals.push(b),
                _ => return Err(io::Error::other("a value of the wrong kind")),
            }
        }
        self.len += 1;
        self.bytes += bytes;
        Ok(())
    }
}

/// One table being written. With `threads`, row groups are encoded, compressed and written
/// on a thread of the table's own, so the thread adding rows only buffers them; without,
/// on the caller's thread (`-j 1` uses one thread).
pub(super) struct Table {
    name: &'static str,
    tmp: PathBuf,
    path: PathBuf,
    pending: Rows,
    writer: Writer,
    /// Rows written so far.
    pub rows: u64,
}

/// Where a table's row groups are written.
enum Writer {
    Here(Box<SerializedFileWriter<File>>),
    /// Row groups go to the writing thread; one waits at most, so memory stays bounded.
    Thread(
        Option<std::sync::mpsc::SyncSender<Vec<Buf>>>,
        Option<std::thread::JoinHandle<io::Result<()>>>,
    ),
}

fn err(e: parquet::errors::ParquetError) -> io::Error {
    io::Error::other(e)
}

impl Table {
    /// Start `DIR/NAME.parquet` (as `.tmp`) with `columns`.
    pub(super) fn create(
        dir: &Path,
        name: &'static str,
        columns: &[(&str, Kind)],
        thread: bool,
    ) -> io::Result<Table> {
        let fields: String = columns
            .iter()
            .map(|(col, kind)| match kind {
                Kind::Text => format!("REQUIRED BYTE_ARRAY {col} (UTF8);"),
                Kind::OptText => format!("OPTIONAL BYTE_ARRAY {col} (UTF8);"),
                Kind::Int => format!("REQUIRED INT64 {col};"),
                Kind::OptInt => format!("OPTIONAL INT64 {col};"),
                Kind::Bool => format!("REQUIRED BOOLEAN {col};"),
            })
            .collect();
        let schema = parse_message_type(&format!("message {name} {{ {fields} }}")).map_err(err)?;
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_size(ROW_GROUP)
            .set_statistics_enabled(EnabledStatistics::None)
            .build();
        let path = dir.join(format!("{name}.parquet"));
        let tmp = dir.join(format!("{name}.parquet.tmp"));
        let file = File::create(&tmp)?;
        let mut writer =
            SerializedFileWriter::new(file, Arc::new(schema), Arc::new(props)).map_err(err)?;
        let kinds: Vec<Kind> = columns.iter().map(|c| c.1).collect();
        let writer = if thread {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Buf>>(1);
            let handle = std::thread::Builder::new()
                .name(format!("soi-{name}"))
                .spawn(move || {
                    for mut bufs in rx {
                        write_group(&mut writer, &kinds, &mut bufs)?;
                    }
                    close(writer)
                })?;
            Writer::Thread(Some(tx), Some(handle))
        } else {
            Writer::Here(Box::new(writer))
        };
        Ok(Table {
            name,
            tmp,
            path,
            pending: Rows::new(columns),
            writer,
            rows: 0,
        })
    }

    /// The table's name.
    pub(super) fn name(&self) -> &'static str {
        self.name
    }

    /// An empty set of rows of this table's columns but the first (the document id, which
    /// [`Table::append`] adds), for one document.
    pub(super) fn keyed_rows(columns: &[(&str, Kind)]) -> Rows {
        Rows::new(&columns[1..])
    }

    /// Add one row; its values must follow the columns' kinds (a mismatch is an error).
    pub(super) fn row(&mut self, values: &[V]) -> io::Result<()> {
        self.pending
            .row(values)
            .map_err(|e| io::Error::other(format!("{}: {e}", self.name)))?;
        self.rows += 1;
        self.flush_if_full()
    }

    /// Add one document's rows (from [`Table::keyed_rows`]), each with `id` as its first
    /// column.
    pub(super) fn append(&mut self, id: &ByteArray, mut rows: Rows) -> io::Result<()> {
        if rows.bufs.len() + 1 != self.pending.bufs.len() {
            return Err(io::Error::other(format!("{}: wrong columns", self.name)));
        }
        if let Some(Buf::Text(ids, _)) = self.pending.bufs.first_mut() {
            ids.extend(std::iter::repeat_n(id.clone(), rows.len));
        }
        for (into, from) in self.pending.bufs[1..].iter_mut().zip(&mut rows.bufs) {
            into.append(from);
        }
        self.pending.len += rows.len;
        self.pending.bytes += rows.bytes + rows.len * TEXT_OVERHEAD;
        self.rows += rows.len as u64;
        self.flush_if_full()
    }

    fn flush_if_full(&mut self) -> io::Result<()> {
        if self.pending.len >= ROW_GROUP || self.pending.bytes >= GROUP_BYTES {
            self.flush()?;
        }
        Ok(())
    }

    /// Write the buffered rows as one row group (or hand them to the writing thread).
    fn flush(&mut self) -> io::Result<()> {
        if self.pending.len == 0 {
            return Ok(());
        }
        let mut group = self.pending.take();
        match &mut self.writer {
            Writer::Here(w) => write_group(w, &group.kinds, &mut group.bufs),
            Writer::Thread(tx, handle) => {
                if let Some(Ok(())) = tx.as_ref().map(|tx| tx.send(group.bufs)) {
                    return Ok(());
                }
                // The writing thread stopped: its error says why.
                *tx = None;
                joined(self.name, handle.take())
            }
        }
    }

    /// Write what is left, close the file and give it its final name.
    pub(super) fn finish(mut self) -> io::Result<u64> {
        self.flush()?;
        match self.writer {
            Writer::Here(w) => close(*w)?,
            Writer::Thread(tx, handle) => {
                drop(tx);
                joined(self.name, handle)?;
            }
        }
        std::fs::rename(&self.tmp, &self.path)?;
        Ok(self.rows)
    }
}

/// Finish a file and make sure it is on disk.
fn close(mut writer: SerializedFileWriter<File>) -> io::Result<()> {
    writer.finish().map_err(err)?;
    writer.inner().sync_all()
}

/// What the writing thread ended with.
fn joined(name: &str, handle: Option<std::thread::JoinHandle<io::Result<()>>>) -> io::Result<()> {
    match handle.map(|h| h.join()) {
        Some(Ok(r)) => r,
        _ => Err(io::Error::other(format!("{name}: the writer stopped"))),
    }
}

/// Encode and write `bufs` as one row group.
fn write_group(
    writer: &mut SerializedFileWriter<File>,
    kinds: &[Kind],
    bufs: &mut [Buf],
) -> io::Result<()> {
    let mut group = writer.next_row_group().map_err(err)?;
    for (buf, kind) in bufs.iter_mut().zip(kinds) {
        let Some(mut col) = group.next_column().map_err(err)? else {
            return Err(io::Error::other("fewer columns than the schema"));
        };
        let nullable = matches!(kind, Kind::OptText | Kind::OptInt);
        match buf {
            Buf::Text(vals, defs) => {
                let defs = nullable.then_some(defs.as_slice());
                col.typed::<ByteArrayType>()
                    .write_batch(vals, defs, None)
                    .map_err(err)?;
            }
            Buf::Int(vals, defs) => {
                let defs = nullable.then_some(defs.as_slice());
                col.typed::<Int64Type>()
                    .write_batch(vals, defs, None)
                    .map_err(err)?;
            }
            Buf::Bool(vals) => {
                col.typed::<BoolType>()
                    .write_batch(vals, None, None)
                    .map_err(err)?;
            }
        }
        col.close().map_err(err)?;
    }
    group.close().map_err(err)?;
    Ok(())
}
