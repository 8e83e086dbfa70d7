//! A small zip reader: the central directory of an archive held in memory, and each entry
//! inflated on demand (stored or deflated, by miniz_oxide, which `.docx` already needs).
//!
//! Why not the `zip` crate: its reader wants `Read + Seek`, brings CRC and time crates, and
//! its deflate backends are the same miniz_oxide we already ship; what a corpus needs is
//! names, sizes and bytes, bounded so that a zip bomb cannot exhaust the worker's memory.
//! Every offset read from the archive is checked: a damaged or hostile archive gives an
//! error, never a panic. Not read: ZIP64 (archives over 4 GB), encryption, compression
//! methods other than stored and deflate (such entries are reported by name).

use std::fmt;

/// Why an archive or one of its entries could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZipError {
    /// No end-of-central-directory record: not a zip (or cut short).
    NotZip,
    /// The central directory or an entry's header points outside the archive.
    Damaged,
    /// An entry compressed with a method we do not read (number given), or encrypted.
    Unsupported(u16),
    /// An entry larger than the limit (its uncompressed size).
    TooBig(u64),
    /// The deflated data is corrupt.
    Corrupt,
}

impl fmt::Display for ZipError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ZipError::NotZip => f.write_str("not a zip archive"),
            ZipError::Damaged => f.write_str("the zip archive is damaged"),
            ZipError::Unsupported(m) => {
                write!(
                    f,
                    "compressed with method {m} or encrypted (Soi reads stored and deflate)"
                )
            }
            ZipError::TooBig(n) => write!(f, "too big ({n} bytes uncompressed)"),
            ZipError::Corrupt => f.write_str("its compressed data is corrupt"),
        }
    }
}

impl std::error::Error for ZipError {}

/// One entry of the central directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZipEntry {
    /// Its path in the archive, '/' between folders (UTF-8; other bytes replaced).
    pub name: String,
    /// Uncompressed size as the directory gives it.
    pub size: u64,
    /// Compressed size.
    pub compressed: u64,
    method: u16,
    flags: u16,
    local: usize,
}

impl ZipEntry {
    /// A folder entry (its name ends with '/').
    pub fn is_dir(&self) -> bool {
        self.name.ends_with('/')
    }

    /// The folder the entry is in, "" at the top ("2024/thoi-su/a.txt" → "2024/thoi-su").
    pub fn folder(&self) -> &str {
        self.name
            .trim_end_matches('/')
            .rsplit_once('/')
            .map_or("", |(f, _)| f)
    }

    /// Its file name without the folders.
    pub fn file_name(&self) -> &str {
        self.name
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or_default()
    }

    /// Whether the entry is a document rather than a folder, a hidden file (".DS_Store",
    /// in a hidden folder too) or the resource forks macOS adds (`__MACOSX/`).
    pub fn is_document(&self) -> bool {
        !self.is_dir()
            && !self
                .name
                .split('/')
                .any(|part| part.starts_with('.') || part == "__MACOSX")
    }
}

/// An archive's directory over its bytes (borrowed, `&[u8]`, or owned, `Vec<u8>`).
#[derive(Debug)]
pub struct Zip<B> {
    bytes: B,
    entries: Vec<ZipEntry>,
}

fn u16_at(b: &[u8], i: usize) -> Option<u16> {
    let s = b.get(i..i.checked_add(2)?)?;
    Some(u16::from_le_bytes([s[0], s[1]]))
}

fn u32_at(b: &[u8], i: usize) -> Option<u32> {
    let s = b.get(i..i.checked_add(4)?)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// Whether `bytes` start like a zip archive ("PK\3\4", or an empty archive's end record).
pub fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

impl<B: AsRef<[u8]>> Zip<B> {
    /// Read the central directory of `bytes`.
    pub fn open(owner: B) -> Result<Zip<B>, ZipError> {
        let entries = Self::directory(owner.as_ref())?;
        Ok(Zip {
            bytes: owner,
            entries,
        })
    }

    fn directory(bytes: &[u8]) -> Result<Vec<ZipEntry>, ZipError> {
        // The end record is within the last 22 + 65,535 bytes (its comment is at most 64 KB).
        let last = bytes.len().checked_sub(22).ok_or(ZipError::NotZip)?;
        let eocd = (last.saturating_sub(65_535)..=last)
            .rev()
            .find(|&i| bytes[i..].starts_with(b"PK\x05\x06"))
            .ok_or(ZipError::NotZip)?;
        let count = u16_at(bytes, eocd + 10).ok_or(ZipError::Damaged)?;
        let mut p = u32_at(bytes, eocd + 16).ok_or(ZipError::Damaged)? as usize;
        let mut entries = Vec::with_capacity(usize::from(count).min(4096));
        for _ in 0..count {
            if !bytes.get(p..).is_some_and(|r| r.starts_with(b"PK\x01\x02")) {
                return Err(ZipError::Damaged);
            }
            let field = |off: usize| u16_at(bytes, p + off).ok_or(ZipError::Damaged);
            let long = |off: usize| u32_at(bytes, p + off).ok_or(ZipError::Damaged);
            let (flags, method) = (field(8)?, field(10)?);
            let (compressed, size) = (long(20)?, long(24)?);
            let (nlen, elen, clen) = (
                usize::from(field(28)?),
                usize::from(field(30)?),
                usize::from(field(32)?),
            );
            let local = long(42)? as usize;
            let name = bytes.get(p + 46..p + 46 + nlen).ok_or(ZipError::Damaged)?;
            entries.push(ZipEntry {
                name: String::from_utf8_lossy(name).replace('\\', "/"),
                size: u64::from(size),
                compressed: u64::from(compressed),
                method,
                flags,
                local,
            });
            p += 46 + nlen + elen + clen;
        }
        Ok(entries)
    }

    /// The entries, in the directory's order.
    pub fn entries(&self) -> &[ZipEntry] {
        &self.entries
    }

    /// The entry named `name`, if any.
    pub fn find(&self, name: &str) -> Option<&ZipEntry> {
        self.entries.iter().find(|e| e.name == name)
    }

    /// The uncompressed bytes of `e`, refused when larger than `limit` (by the directory's
    /// size, and again while inflating, whatever the directory says).
    pub fn read(&self, e: &ZipEntry, limit: usize) -> Result<Vec<u8>, ZipError> {
        if e.size > limit as u64 {
            return Err(ZipError::TooBig(e.size));
        }
        if e.flags & 1 != 0 {
            return Err(ZipError::Unsupported(e.method));
        }
        let b = self.bytes.as_ref();
        let nlen = usize::from(u16_at(b, e.local + 26).ok_or(ZipError::Damaged)?);
        let elen = usize::from(u16_at(b, e.local + 28).ok_or(ZipError::Damaged)?);
        if !b
            .get(e.local..)
            .is_some_and(|r| r.starts_with(b"PK\x03\x04"))
        {
            return Err(ZipError::Damaged);
        }
        let start = e.local + 30 + nlen + elen;
        let end = start
            .checked_add(usize::try_from(e.compressed).map_err(|_| ZipError::Damaged)?)
            .ok_or(ZipError::Damaged)?;
        let data = b.get(start..end).ok_or(ZipError::Damaged)?;
        match e.method {
            0 => Ok(data.to_vec()),
            8 => miniz_oxide::inflate::decompress_to_vec_with_limit(data, limit).map_err(|err| {
                if err.status == miniz_oxide::inflate::TINFLStatus::HasMoreOutput {
                    ZipError::TooBig(e.size.max(limit as u64 + 1))
                } else {
                    ZipError::Corrupt
                }
            }),
            m => Err(ZipError::Unsupported(m)),
        }
    }
}

/// A zip archive of `files` (name, bytes), deflated when `deflate`: for tests and fuzzing.
#[doc(hidden)]
pub fn write_zip(files: &[(&str, &[u8])], deflate: bool) -> Vec<u8> {
    let mut z = Vec::new();
    let mut central = Vec::new();
    for (name, bytes) in files {
        let data = if deflate {
            miniz_oxide::deflate::compress_to_vec(bytes, 6)
        } else {
            bytes.to_vec()
        };
        let method: u16 = if deflate { 8 } else { 0 };
        let local = z.len() as u32;
        let name = name.as_bytes();
        z.extend_from_slice(b"PK\x03\x04");
        z.extend_from_slice(&[20, 0, 0, 0]);
        z.extend_from_slice(&method.to_le_bytes());
        z.extend_from_slice(&[0; 8]); // time, date, crc
        z.extend_from_slice(&(data.len() as u32).to_le_bytes());
        z.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
        z.extend_from_slice(&(name.len() as u16).to_le_bytes());
        z.extend_from_slice(&0u16.to_le_bytes());
        z.extend_from_slice(name);
        z.extend_from_slice(&data);
        central.extend_from_slice(b"PK\x01\x02");
        central.extend_from_slice(&[20, 0, 20, 0, 0, 0]);
        central.extend_from_slice(&method.to_le_bytes());
        central.extend_from_slice(&[0; 8]);
        central.extend_from_slice(&(data.len() as u32).to_le_bytes());
        central.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
        central.extend_from_slice(&(name.len() as u16).to_le_bytes());
        central.extend_from_slice(&[0; 8]); // extra, comment, disk, internal attrs
        central.extend_from_slice(&[0; 4]); // external attrs
        central.extend_from_slice(&local.to_le_bytes());
        central.extend_from_slice(name);
    }
    let cd = z.len();
    z.extend_from_slice(&central);
    z.extend_from_slice(b"PK\x05\x06");
    z.extend_from_slice(&[0; 4]);
    z.extend_from_slice(&(files.len() as u16).to_le_bytes());
    z.extend_from_slice(&(files.len() as u16).to_le_bytes());
    z.extend_from_slice(&(central.len() as u32).to_le_bytes());
    z.extend_from_slice(&(cd as u32).to_le_bytes());
    z.extend_from_slice(&0u16.to_le_bytes());
    z
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_folders_and_bytes() {
        let text = "Nông dân miền Tây chuẩn bị vụ lúa mới.".repeat(20);
        for deflate in [false, true] {
            let z = write_zip(
                &[
                    ("2024/kinh-te/lua.txt", text.as_bytes()),
                    ("2024/", b""),
                    ("__MACOSX/2024/._lua.txt", b"x"),
                    (".DS_Store", b"x"),
                    ("doc.txt", b"Mot"),
                ],
                deflate,
            );
            let zip = Zip::open(&z).unwrap();
            let names: Vec<&str> = zip
                .entries()
                .iter()
                .filter(|e| e.is_document())
                .map(|e| e.name.as_str())
                .collect();
            assert_eq!(names, ["2024/kinh-te/lua.txt", "doc.txt"]);
            let e = zip.find("2024/kinh-te/lua.txt").unwrap();
            assert_eq!((e.folder(), e.file_name()), ("2024/kinh-te", "lua.txt"));
            assert_eq!(zip.find("doc.txt").unwrap().folder(), "");
            assert_eq!(zip.read(e, 1 << 20).unwrap(), text.as_bytes());
            assert!(matches!(zip.read(e, 100), Err(ZipError::TooBig(_))));
        }
    }

    #[test]
    fn a_bomb_is_stopped_by_the_limit_whatever_the_directory_says() {
        let big = vec![b'a'; 1 << 20];
        let mut z = write_zip(&[("a.txt", &big)], true);
        // Make the directory lie: uncompressed size 10.
        let cd = z.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
        z[cd + 24..cd + 28].copy_from_slice(&10u32.to_le_bytes());
        let zip = Zip::open(&z).unwrap();
        assert!(matches!(
            zip.read(&zip.entries()[0], 1000),
            Err(ZipError::TooBig(_))
        ));
    }

    #[test]
    fn damage_is_an_error() {
        assert_eq!(
            Zip::open(b"PK\x03\x04 not really").err(),
            Some(ZipError::NotZip)
        );
        let z = write_zip(&[("a.txt", b"Hai ba")], false);
        for cut in 0..z.len() {
            if let Ok(zip) = Zip::open(&z[..cut]) {
                for e in zip.entries() {
                    let _ = zip.read(e, 1 << 20);
                }
            }
        }
    }
}
