//! Parquet tables for `soi index`, written a row group at a time so memory stays bounded.
//!
//! Rows are buffered column by column and written as one row group every [`ROW_GROUP`]
//! rows or 16 MB, whichever comes first, with parquet's low-level column writer (no arrow: the tables are flat columns of
//! text, integers and booleans, and arrow's arrays and kernels would roughly double the
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
    /// For [`Kind::Text`], already made (a document id repeated on each of its rows is
    /// shared, not copied).
    Shared(&'a ByteArray),
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

/// One table being written.
pub(super) struct Table {
    name: &'static str,
    tmp: PathBuf,
    path: PathBuf,
    writer: SerializedFileWriter<File>,
    kinds: Vec<Kind>,
    bufs: Vec<Buf>,
    pending: usize,
    pending_bytes: usize,
    /// Rows written so far.
    pub rows: u64,
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
        let writer =
            SerializedFileWriter::new(file, Arc::new(schema), Arc::new(props)).map_err(err)?;
        let bufs = columns
            .iter()
            .map(|(_, k)| match k {
                Kind::Text | Kind::OptText => Buf::Text(Vec::new(), Vec::new()),
                Kind::Int | Kind::OptInt => Buf::Int(Vec::new(), Vec::new()),
                Kind::Bool => Buf::Bool(Vec::new()),
            })
            .collect();
        Ok(Table {
            name,
            tmp,
            path,
            writer,
            kinds: columns.iter().map(|c| c.1).collect(),
            bufs,
            pending: 0,
            pending_bytes: 0,
            rows: 0,
        })
    }

    /// The table's name.
    pub(super) fn name(&self) -> &'static str {
        self.name
    }

    /// Add one row; its values must follow the columns' kinds (a mismatch is an error).
    pub(super) fn row(&mut self, values: &[V]) -> io::Result<()> {
        if values.len() != self.bufs.len() {
            return Err(io::Error::other(format!(
                "{}: {} values for {} columns",
                self.name,
                values.len(),
                self.bufs.len()
            )));
        }
        let mut bytes = 0;
        for ((buf, &v), kind) in self.bufs.iter_mut().zip(values).zip(&self.kinds) {
            bytes += match v {
                V::T(s) | V::OT(Some(s)) => s.len() + TEXT_OVERHEAD,
                V::Shared(_) => TEXT_OVERHEAD,
                _ => 8,
            };
            match (buf, v, kind) {
                (Buf::Text(vals, _), V::T(s), Kind::Text) => vals.push(s.as_bytes().into()),
                (Buf::Text(vals, _), V::Shared(b), Kind::Text) => vals.push(b.clone()),
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
                _ => {
                    return Err(io::Error::other(format!(
                        "{}: a value of the wrong kind",
                        self.name
                    )))
                }
            }
        }
        self.pending += 1;
        self.pending_bytes += bytes;
        self.rows += 1;
        if self.pending >= ROW_GROUP || self.pending_bytes >= GROUP_BYTES {
            self.flush()?;
        }
        Ok(())
    }

    /// Write the buffered rows as one row group.
    fn flush(&mut self) -> io::Result<()> {
        if self.pending == 0 {
            return Ok(());
        }
        let mut group = self.writer.next_row_group().map_err(err)?;
        for (buf, kind) in self.bufs.iter_mut().zip(&self.kinds) {
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
            match buf {
                Buf::Text(v, d) => {
                    v.clear();
                    d.clear();
                }
                Buf::Int(v, d) => {
                    v.clear();
                    d.clear();
                }
                Buf::Bool(v) => v.clear(),
            }
        }
        group.close().map_err(err)?;
        self.pending = 0;
        self.pending_bytes = 0;
        Ok(())
    }

    /// Write what is left, close the file and give it its final name.
    pub(super) fn finish(mut self) -> io::Result<u64> {
        self.flush()?;
        self.writer.finish().map_err(err)?;
        self.writer.inner().sync_all()?;
        drop(self.writer);
        std::fs::rename(&self.tmp, &self.path)?;
        Ok(self.rows)
    }
}
