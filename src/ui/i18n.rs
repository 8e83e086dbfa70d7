//! The interface's words, in Vietnamese (the default) and English.
//!
//! Every visible string goes through [`Lang::t`] or one of the formatting helpers, so a
//! missing translation is a compile error (an unhandled `Key`), never a blank label.

use crate::protocol::{DocWarning, EntityType, RefuseReason, RowIssue, SaveFailure};

pub use crate::protocol::Lang;

/// A fixed piece of interface text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Key {
    Tagline,
    AddFiles,
    PasteText,
    AddPasted,
    PastePlaceholder,
    Close,
    ResetSample,
    Documents,
    NoDocuments,
    Remove,
    DropHint,
    DropOverlay,
    Overview,
    Normalization,
    Keywords,
    Concordance,
    Entities,
    Reader,
    Cancel,
    Dismiss,
    Language,
    StatDocuments,
    StatParagraphs,
    StatSentences,
    StatSyllables,
    StatTypes,
    StatChars,
    TopSyllables,
    Term,
    Count,
    Rank,
    Analyzing,
    Starting,
    PickDocument,
    PrevPage,
    NextPage,
    Pasted,
    PrivacyNote,
    WorkerCrashed,
    Export,
    Import,
    NotSavedBadge,
    UpdateReady,
    Reload,
    NoStorage,
    NormSettings,
    ToneStyle,
    ToneTraditional,
    ToneModern,
    RuleToneMarks,
    RuleGlued,
    RulePunctuation,
    RuleDStroke,
    RuleSpaces,
    RuleBoilerplate,
    Scope,
    WholeCorpus,
    ChangesByKind,
    Encodings,
    Encoding,
    Confidence,
    DecodeAs,
    DecodedAs,
    Detect,
    ChangesInContext,
    FlaggedParagraphs,
    LeftOut,
    Counted,
    NotSyllables,
    ShowWords,
    UserDictionary,
    DictionaryHelp,
    SaveDictionary,
    StatWords,
    StatWordTypes,
    TopWords,
    Word,
    Trends,
    Collocates,
    Unit,
    UnitWords,
    UnitSyllables,
    UnitNgrams,
    Filter,
    KeepStopwords,
    NoAcronyms,
    Subset,
    ExportCsv,
    ExportJson,
    ExportSvg,
    ExportPng,
    ExportTable,
    ExportChart,
    WordCloud,
    BarChart,
    ColFrequency,
    ColPerMillion,
    ColDocuments,
    ColDp,
    ColReference,
    ColG2,
    ColP,
    ColLogRatio,
    ColTfIdf,
    Stopwords,
    StopwordsHelp,
    SaveStopwords,
    ResetStopwords,
    CustomList,
    TrendsInput,
    Lines,
    Bars,
    Per10k,
    KwicQuery,
    IgnoreAccents,
    MatchCase,
    SortBy,
    SortPosition,
    SortLeft,
    SortRight,
    Dispersion,
    OpenInReader,
    LeftContext,
    MatchCol,
    RightContext,
    NoHits,
    Search,
    NodeWord,
    WindowLeft,
    WindowRight,
    MinFreq,
    ColObserved,
    ColExpected,
    ColMi,
    ColT,
    ColLogDice,
    NotAWord,
    Ttr,
    Hapaxes,
    AvgSentence,
    Distinctive,
    Apply,
    ShowIn,
    NameTypes,
    EntityName,
    EntityTypeCol,
    Variants,
    MentionsCol,
    RolesCol,
    Network,
    Timeline,
    UnitSentence,
    UnitParagraph,
    CountedBy,
    MentionsOf,
    NamedWith,
    ExportPairs,
    ExportMentions,
    UserEntities,
    EntitiesHelp,
    SaveEntities,
    BadEntries,
    ShowEntities,
    NoEntities,
    InferredNote,
    Undated,
    Dated,
    ClearSelection,
    ShowMentions,
    ColumnsTitle,
    ColumnsHelp,
    ColumnText,
    ColumnDate,
    ColumnSource,
    ColumnTitle,
    ColumnNone,
    ColumnsLoad,
    ColumnsSkip,
    DocDate,
    DocSource,
    DocGroup,
    DateInferred,
    SetDate,
    TrendBy,
    TrendByDocument,
    PeriodDay,
    PeriodWeek,
    PeriodMonth,
    PeriodYear,
    Period,
    PeriodDocs,
    PeriodWords,
    NoDate,
    PeriodsCut,
    SortAdded,
    SortSize,
    SelectionLabel,
    SelFrom,
    SelTo,
    AllSources,
    AllGroups,
    SelectedDocs,
    WhatIsNew,
    WhatIsNewHelp,
    Against,
    ThisPeriod,
    PeriodBefore,
    NothingNew,
    TheSelection,
    Per10kShort,
    SizeCol,
}

impl Lang {
    /// The language for a browser whose preferred languages are `prefs` (most preferred
    /// first): English if the first one is English, Vietnamese otherwise.
    pub fn from_browser<S: AsRef<str>>(prefs: &[S]) -> Lang {
        match prefs.first().map(|s| s.as_ref().to_ascii_lowercase()) {
            Some(l) if l == "en" || l.starts_with("en-") => Lang::En,
            _ => Lang::Vi,
        }
    }

    /// The text of `key`.
    pub fn t(self, key: Key) -> &'static str {
        use Key::*;
        let (vi, en) = match key {
            Tagline => (
                "Phân tích văn bản tiếng Việt ngay trong trình duyệt — không tải lên đâu cả.",
                "Vietnamese text analysis in your browser — nothing is uploaded.",
            ),
            AddFiles => ("Thêm tệp", "Add files"),
            ColumnsTitle => ("Chọn cột", "Choose the columns"),
            SortAdded => ("thứ tự thêm", "order added"),
            SortSize => ("độ dài", "length"),
            SelectionLabel => ("Phần đã chọn", "Selection"),
            SelFrom => ("Từ ngày", "From"),
            SelTo => ("Đến ngày", "To"),
            AllSources => ("mọi nguồn", "all sources"),
            AllGroups => ("mọi nhóm", "all groups"),
            SelectedDocs => ("tài liệu được chọn", "documents selected"),
            WhatIsNew => ("Có gì mới", "What is new"),
            WhatIsNewHelp => (
                "Chọn một khoảng ngày để xem những từ và thực thể có tỉ lệ tăng rõ rệt (theo G²) so với khoảng cùng độ dài ngay trước đó.",
                "Choose a date range to see the words and entities whose share rose significantly (by G²) against the range of the same length just before it.",
            ),
            Against => ("so với", "against"),
            ThisPeriod => ("Kỳ này", "This period"),
            PeriodBefore => ("Kỳ trước", "Period before"),
            NothingNew => ("Không có gì tăng rõ rệt.", "Nothing rose significantly."),
            Per10kShort => ("/10.000 từ", "per 10k words"),
            SizeCol => ("Dung lượng", "Size"),
            TheSelection => ("Phần đã chọn (so với phần còn lại)", "The selection (against the rest)"),
            ColumnsHelp => (
                "Mỗi dòng là một tài liệu. Cột nào chứa văn bản, ngày, nguồn và tiêu đề? Lựa chọn được ghi nhớ cho các tệp có cùng các cột.",
                "Each row is a document. Which columns hold its text, date, source and title? The choice is remembered for files with the same columns.",
            ),
            ColumnText => ("Văn bản", "Text"),
            ColumnDate => ("Ngày", "Date"),
            ColumnSource => ("Nguồn", "Source"),
            ColumnTitle => ("Tiêu đề", "Title"),
            ColumnNone => ("— không có —", "— none —"),
            ColumnsLoad => ("Nạp", "Load"),
            ColumnsSkip => ("Bỏ qua tệp", "Skip the file"),
            DocDate => ("Ngày", "Date"),
            DocSource => ("Nguồn", "Source"),
            DocGroup => ("Nhóm", "Group"),
            DateInferred => (
                "suy ra từ dòng ngày tháng trong văn bản",
                "inferred from the dateline in the text",
            ),
            SetDate => ("Đổi ngày", "Change the date"),
            TrendBy => ("Theo", "By"),
            TrendByDocument => ("tài liệu", "document"),
            PeriodDay => ("ngày", "day"),
            PeriodWeek => ("tuần", "week"),
            PeriodMonth => ("tháng", "month"),
            PeriodYear => ("năm", "year"),
            Period => ("Kỳ", "Period"),
            PeriodDocs => ("Tài liệu", "Documents"),
            PeriodWords => ("Từ", "Words"),
            NoDate => ("không có ngày", "undated"),
            PeriodsCut => (
                "Chỉ hiện các kỳ gần nhất (tối đa 10.000).",
                "Only the latest periods are shown (at most 10,000).",
            ),
            PasteText => ("Dán văn bản", "Paste text"),
            AddPasted => ("Thêm thành tài liệu", "Add as document"),
            PastePlaceholder => (
                "Dán văn bản tiếng Việt vào đây…",
                "Paste Vietnamese text here…",
            ),
            Close => ("Đóng", "Close"),
            ResetSample => ("Về bộ văn bản mẫu", "Reset to sample corpus"),
            Documents => ("Tài liệu", "Documents"),
            NoDocuments => (
                "Chưa có tài liệu nào. Thêm tệp, kéo thả hoặc dán văn bản.",
                "No documents yet. Add files, drop them here or paste text.",
            ),
            Remove => ("Xóa", "Remove"),
            DropHint => (
                "Kéo thả tệp vào bất kỳ đâu trên trang để thêm.",
                "Drop files anywhere on the page to add them.",
            ),
            DropOverlay => (
                "Thả tệp để thêm vào bộ văn bản",
                "Drop files to add them to the corpus",
            ),
            Overview => ("Tổng quan", "Overview"),
            Normalization => ("Chuẩn hóa", "Normalization"),
            Keywords => ("Từ khóa", "Keywords"),
            Trends => ("Xu hướng", "Trends"),
            Collocates => ("Kết hợp từ", "Collocates"),
            Unit => ("Đơn vị", "Unit"),
            UnitWords => ("Từ", "Words"),
            UnitSyllables => ("Âm tiết", "Syllables"),
            UnitNgrams => ("Cụm từ", "N-grams"),
            Filter => ("Lọc", "Filter"),
            KeepStopwords => ("Giữ hư từ", "Keep stopwords"),
            NoAcronyms => ("Bỏ từ viết tắt", "Leave out acronyms"),
            Subset => ("Một nhóm tài liệu…", "A set of documents…"),
            ExportCsv => ("CSV", "CSV"),
            ExportJson => ("JSON", "JSON"),
            ExportSvg => ("SVG", "SVG"),
            ExportPng => ("PNG", "PNG"),
            ExportTable => ("Xuất bảng", "Export table"),
            ExportChart => ("Xuất biểu đồ", "Export chart"),
            WordCloud => ("Đám mây từ", "Word cloud"),
            BarChart => ("Biểu đồ cột", "Bar chart"),
            ColFrequency => ("Tần số", "Frequency"),
            ColPerMillion => ("/ triệu", "Per million"),
            ColDocuments => ("Tài liệu", "Documents"),
            ColDp => ("DP", "DP"),
            ColReference => ("Phần còn lại", "Rest"),
            ColG2 => ("G²", "G²"),
            ColP => ("p", "p"),
            ColLogRatio => ("Log Ratio", "Log Ratio"),
            ColTfIdf => ("TF-IDF", "TF-IDF"),
            Stopwords => ("Danh sách hư từ", "Stopword list"),
            StopwordsHelp => ("Mỗi dòng một từ; các từ này bị bỏ khỏi bảng từ khóa, đám mây từ và bảng kết hợp. Âm tiết cách nhau bằng dấu cách.", "One word a line; these words are left out of the keyword table, the word cloud and the collocates. Separate syllables with spaces."),
            SaveStopwords => ("Lưu danh sách", "Save list"),
            ResetStopwords => ("Về danh sách mặc định", "Back to the built-in list"),
            CustomList => ("(đã sửa)", "(edited)"),
            TrendsInput => ("Các từ cần theo dõi (cách nhau bằng dấu phẩy)", "Words to follow (separated by commas)"),
            Lines => ("Đường", "Lines"),
            Bars => ("Cột", "Bars"),
            Per10k => ("lần / 10.000 từ", "per 10,000 words"),
            KwicQuery => ("Tìm từ, cụm từ hoặc mẫu (dùng * làm ký tự đại diện)", "Word, phrase or pattern (* is a wildcard)"),
            IgnoreAccents => ("Bỏ qua dấu", "Ignore accents"),
            MatchCase => ("Phân biệt hoa thường", "Match case"),
            SortBy => ("Sắp xếp", "Sort"),
            SortPosition => ("Theo vị trí", "By position"),
            SortLeft => ("Theo ngữ cảnh trái", "By left context"),
            SortRight => ("Theo ngữ cảnh phải", "By right context"),
            Dispersion => ("Phân bố trong từng tài liệu", "Dispersion in each document"),
            OpenInReader => ("Mở trong trình đọc", "Open in the Reader"),
            LeftContext => ("Ngữ cảnh trái", "Left context"),
            MatchCol => ("Kết quả", "Match"),
            RightContext => ("Ngữ cảnh phải", "Right context"),
            NoHits => ("Không tìm thấy.", "No hits."),
            Search => ("Tìm", "Search"),
            NodeWord => ("Từ trung tâm", "Node word"),
            WindowLeft => ("Số từ bên trái", "Words to the left"),
            WindowRight => ("Số từ bên phải", "Words to the right"),
            MinFreq => ("Đồng xuất hiện tối thiểu", "Minimum co-occurrences"),
            ColObserved => ("Đồng xuất hiện", "Co-occurrences"),
            ColExpected => ("Kỳ vọng", "Expected"),
            ColMi => ("MI", "MI"),
            ColT => ("t-score", "t-score"),
            ColLogDice => ("logDice", "logDice"),
            NotAWord => ("Từ này không có trong bộ văn bản.", "This word does not occur in the corpus."),
            Ttr => ("Tỷ lệ từ khác nhau / tổng số từ", "Type/token ratio"),
            Hapaxes => ("Từ xuất hiện một lần", "Words seen once"),
            AvgSentence => ("Độ dài câu trung bình (từ)", "Average sentence length (words)"),
            Distinctive => ("Từ đặc trưng của từng tài liệu", "Most distinctive words of each document"),
            Apply => ("Áp dụng", "Apply"),
            ShowIn => ("Xem trong", "Show in"),
            NameTypes => ("Tên riêng và ngày", "Names and dates"),
            EntityName => ("Tên chuẩn", "Canonical name"),
            EntityTypeCol => ("Loại", "Type"),
            Variants => ("Cách viết", "Variants"),
            MentionsCol => ("Lần nhắc", "Mentions"),
            RolesCol => ("Chức danh · người giữ", "Titles · holders"),
            Network => ("Mạng đồng xuất hiện", "Co-occurrence network"),
            Timeline => ("Dòng thời gian của các ngày tháng", "Timeline of dates"),
            UnitSentence => ("cùng câu", "same sentence"),
            UnitParagraph => ("cùng đoạn", "same paragraph"),
            CountedBy => ("Đếm theo", "Counted by"),
            MentionsOf => ("Các lần nhắc đến", "Mentions of"),
            NamedWith => ("Thường được nhắc cùng", "Named with"),
            ExportPairs => ("Cặp đồng xuất hiện", "Co-occurring pairs"),
            ExportMentions => ("Các lần nhắc", "Mentions"),
            UserEntities => ("Thực thể của bạn", "Your entities"),
            EntitiesHelp => ("Mỗi dòng một thực thể: loại (PER, ORG, LOC, EVENT, ROLE…) rồi tên, ví dụ «PER Nguyễn Văn A» hoặc «ORG Công ty Sữa Việt Nam». Có thể thêm Tab và tên chuẩn sau tên.", "One entity a line: a type (PER, ORG, LOC, EVENT, ROLE…) then the name, e.g. “PER Nguyễn Văn A” or “ORG Công ty Sữa Việt Nam”. A Tab and a canonical name may follow the name."),
            SaveEntities => ("Lưu và phân tích lại", "Save and analyze again"),
            BadEntries => ("Những dòng này không phải thực thể và được bỏ qua:", "These lines are not entries and were left out:"),
            ShowEntities => ("Tô màu thực thể", "Colour entities"),
            NoEntities => ("Không có thực thể nào khớp.", "No entity matches."),
            InferredNote => ("phần suy ra từ văn bản", "with a part inferred from the text"),
            Undated => ("ngày không có năm", "dates without a year"),
            Dated => ("lần nhắc ngày có năm", "dated mentions"),
            ClearSelection => ("Bỏ chọn", "Clear selection"),
            ShowMentions => ("Xem các lần nhắc", "Show mentions"),

            Concordance => ("Ngữ cảnh", "Concordance"),
            Entities => ("Thực thể", "Entities"),
            Reader => ("Đọc", "Reader"),
            Cancel => ("Hủy", "Cancel"),
            Dismiss => ("Ẩn", "Dismiss"),
            Language => ("Ngôn ngữ", "Language"),
            StatDocuments => ("Tài liệu", "Documents"),
            StatParagraphs => ("Đoạn", "Paragraphs"),
            StatSentences => ("Câu", "Sentences"),
            StatSyllables => ("Âm tiết", "Syllables"),
            StatTypes => ("Âm tiết khác nhau", "Distinct syllables"),
            StatChars => ("Ký tự", "Characters"),
            TopSyllables => ("Âm tiết thường gặp nhất", "Most frequent syllables"),
            Term => ("Âm tiết", "Syllable"),
            Count => ("Số lần", "Count"),
            Rank => ("Hạng", "Rank"),
            Analyzing => ("Đang phân tích", "Analyzing"),
            Starting => ("Đang khởi động bộ phân tích…", "Starting the analyzer…"),
            PickDocument => (
                "Chọn một tài liệu trong danh sách để đọc.",
                "Pick a document in the list to read it.",
            ),
            PrevPage => ("Trang trước", "Previous page"),
            NextPage => ("Trang sau", "Next page"),
            Pasted => ("văn-bản-dán", "pasted-text"),
            PrivacyNote => (
                "Mọi phân tích chạy trên máy của bạn; tài liệu không rời khỏi trình duyệt.",
                "All analysis runs on your machine; documents never leave the browser.",
            ),
            WorkerCrashed => (
                "Bộ phân tích gặp lỗi và đã dừng. Hãy tải lại trang.",
                "The analyzer hit a bug and stopped. Please reload the page.",
            ),
            Export => ("Xuất bộ văn bản", "Export corpus"),
            Import => ("Nhập bộ văn bản", "Import corpus"),
            NotSavedBadge => ("chưa lưu", "not saved"),
            UpdateReady => (
                "Đã có phiên bản mới — hãy tải lại trang.",
                "A new version is ready — reload to use it.",
            ),
            Reload => ("Tải lại", "Reload"),
            NormSettings => ("Quy tắc chuẩn hóa", "Normalization rules"),
            ToneStyle => ("Kiểu đặt dấu", "Tone mark style"),
            ToneTraditional => ("Kiểu cũ (hòa, thủy, khỏe)", "Traditional (hòa, thủy, khỏe)"),
            ToneModern => ("Kiểu mới (hoà, thuỷ, khoẻ)", "Modern (hoà, thuỷ, khoẻ)"),
            RuleToneMarks => ("Đặt dấu thanh thống nhất", "Consistent tone marks"),
            RuleGlued => ("Tách âm tiết dính liền", "Split glued syllables"),
            RulePunctuation => ("Khoảng trắng quanh dấu câu", "Spacing around punctuation"),
            RuleDStroke => ("Sửa “Ð” thành “Đ”", "Fix “Ð” to “Đ”"),
            RuleSpaces => (
                "Khoảng trắng và ký tự ẩn",
                "Spaces and invisible characters",
            ),
            RuleBoilerplate => (
                "Bỏ phần thừa của trang (chia sẻ, tác giả, chú thích ảnh…) khỏi thống kê",
                "Leave page furniture (share bars, bylines, captions…) out of the statistics",
            ),
            Scope => ("Phạm vi", "Scope"),
            WholeCorpus => ("Toàn bộ văn bản", "Whole corpus"),
            ChangesByKind => ("Số thay đổi theo loại", "Changes by kind"),
            Encodings => ("Bảng mã", "Encodings"),
            Encoding => ("Bảng mã", "Encoding"),
            Confidence => ("Độ tin cậy", "Confidence"),
            DecodeAs => ("Đọc theo bảng mã", "Decode as"),
            DecodedAs => ("đã đọc theo", "decoded as"),
            Detect => ("Tự nhận biết", "Detect"),
            ChangesInContext => ("Các thay đổi trong ngữ cảnh", "Changes in context"),
            FlaggedParagraphs => (
                "Đoạn trùng lặp và phần thừa của trang",
                "Duplicate paragraphs and page furniture",
            ),
            LeftOut => ("không tính", "left out"),
            Counted => ("vẫn tính", "counted"),
            NotSyllables => (
                "Từ không phải âm tiết tiếng Việt",
                "Tokens that are not Vietnamese syllables",
            ),
            ShowWords => ("Hiện ranh giới từ", "Show word boundaries"),
            UserDictionary => ("Từ điển của bạn", "Your dictionary"),
            DictionaryHelp => ("Mỗi dòng một mục: “+ Đại hội Đảng” để ghép thành một từ, “- đường lối” để tách thành từng âm tiết. Áp dụng ngay.", "One entry a line: “+ Đại hội Đảng” joins into one word, “- đường lối” splits into syllables. Applied at once."),
            SaveDictionary => ("Lưu từ điển", "Save dictionary"),
            StatWords => ("Từ", "Words"),
            StatWordTypes => ("Từ khác nhau", "Distinct words"),
            TopWords => ("Từ thường gặp nhất (trừ hư từ)", "Most frequent words (function words left out)"),
            Word => ("Từ", "Word"),
            NoStorage => (
                "Trình duyệt không cho lưu trữ: tài liệu sẽ mất khi tải lại trang.",
                "This browser does not allow storage: documents will be gone after a reload.",
            ),
        };
        match self {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }

    /// A whole number with the language's thousands separator ("35.852" / "35,852").
    pub fn num(self, n: u64) -> String {
        let sep = match self {
            Lang::Vi => '.',
            Lang::En => ',',
        };
        let digits = n.to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(sep);
            }
            out.push(c);
        }
        out
    }

    /// A decimal number with `places` digits after the language's decimal mark.
    pub fn dec(self, v: f64, places: usize) -> String {
        let s = format!("{v:.places$}");
        match self {
            Lang::Vi => s.replace('.', ","),
            Lang::En => s,
        }
    }

    /// A size in bytes, KB or MB.
    pub fn size(self, bytes: u64) -> String {
        let (v, unit) = if bytes >= 1 << 20 {
            (bytes as f64 / (1u64 << 20) as f64, "MB")
        } else if bytes >= 1 << 10 {
            (bytes as f64 / 1024.0, "KB")
        } else {
            return format!("{} B", self.num(bytes));
        };
        format!("{} {unit}", self.dec(v, 1))
    }

    /// Why `name` was refused, as a sentence.
    pub fn refusal(self, name: &str, reason: &RefuseReason) -> String {
        match (self, reason) {
            (Lang::Vi, RefuseReason::Empty) => {
                format!("Không thêm “{name}”: tệp trống, không có văn bản.")
            }
            (Lang::En, RefuseReason::Empty) => {
                format!("“{name}” was not added: the file is empty.")
            }
            (Lang::Vi, RefuseReason::Binary { format }) => {
                format!("Không thêm “{name}”: đây là tệp {format}, không phải văn bản thuần.")
            }
            (Lang::En, RefuseReason::Binary { format }) => {
                format!("“{name}” was not added: it is a {format} file, not plain text.")
            }
            (Lang::Vi, RefuseReason::NotText) => {
                format!("Không thêm “{name}”: tệp nhị phân, không phải văn bản.")
            }
            (Lang::En, RefuseReason::NotText) => {
                format!("“{name}” was not added: it is a binary file, not text.")
            }
            (Lang::Vi, RefuseReason::UnsupportedFormat { ext }) => format!("Không thêm “{name}”: Soi không đọc được tệp .{ext} (Soi đọc .txt, .md, .html, .docx, bảng .csv/.tsv/.jsonl và tệp nén .zip)."),
            (Lang::En, RefuseReason::UnsupportedFormat { ext }) => format!("“{name}” was not added: Soi does not read .{ext} files (it reads .txt, .md, .html, .docx, .csv/.tsv/.jsonl tables and .zip archives)."),
            (Lang::Vi, RefuseReason::DamagedDocx) => format!("Không thêm “{name}”: tệp .docx bị hỏng, không đọc được văn bản."),
            (Lang::En, RefuseReason::DamagedDocx) => format!("“{name}” was not added: the .docx file is damaged and its text cannot be read."),
            (Lang::Vi, RefuseReason::Unreadable { detail }) => {
                format!("Không đọc được “{name}”: {detail}")
            }
            (Lang::En, RefuseReason::Unreadable { detail }) => {
                format!("Could not read “{name}”: {detail}")
            }
            (Lang::Vi, RefuseReason::Crashed) => format!("Không thêm “{name}”: phân tích tệp này bị lỗi (lỗi của Soi); các tệp khác không bị ảnh hưởng."),
            (Lang::En, RefuseReason::Crashed) => format!("“{name}” was not added: its analysis failed (a bug in Soi); the other files are not affected."),
        }
    }

    /// A skipped row of a record file (or entry of a zip), or a kept row's bad date.
    pub fn row_problem(self, file: &str, line: Option<u64>, issue: &RowIssue) -> String {
        let at = match (self, line) {
            (Lang::Vi, Some(l)) => format!("“{file}”, dòng {l}"),
            (Lang::En, Some(l)) => format!("“{file}”, line {l}"),
            (_, None) => format!("“{file}”"),
        };
        match (self, issue) {
            (Lang::Vi, RowIssue::Malformed { detail }) => {
                format!("{at}: dòng hỏng ({detail}); đã bỏ qua.")
            }
            (Lang::En, RowIssue::Malformed { detail }) => {
                format!("{at}: malformed row ({detail}); skipped.")
            }
            (Lang::Vi, RowIssue::NoText) => format!("{at}: không có văn bản; đã bỏ qua."),
            (Lang::En, RowIssue::NoText) => format!("{at}: no text; skipped."),
            (Lang::Vi, RowIssue::TooLong { bytes }) => format!(
                "{at}: văn bản dài {} — quá giới hạn 4 MB; đã bỏ qua.",
                self.size(*bytes)
            ),
            (Lang::En, RowIssue::TooLong { bytes }) => format!(
                "{at}: text of {} is over the 4 MB limit; skipped.",
                self.size(*bytes)
            ),
            (Lang::Vi, RowIssue::BadDate { date }) => format!(
                "{at}: không đọc được ngày “{date}”; vẫn giữ dòng, ngày suy ra từ văn bản."
            ),
            (Lang::En, RowIssue::BadDate { date }) => format!(
                "{at}: the date “{date}” does not read as a date; the row is kept, its date inferred from its text."
            ),
            (Lang::Vi, RowIssue::Unreadable { detail }) => {
                format!("{at}: không đọc được ({detail}); đã bỏ qua.")
            }
            (Lang::En, RowIssue::Unreadable { detail }) => {
                format!("{at}: could not be read ({detail}); skipped.")
            }
        }
    }

    /// The name of a normalization change kind (see `normalize::ChangeKind::id`).
    pub fn change_kind(self, id: &str) -> &'static str {
        let (vi, en) = match id {
            "nfc" => ("Dạng Unicode dựng sẵn (NFC)", "Unicode composed form (NFC)"),
            "line_break" => ("Xuống dòng", "Line breaks"),
            "invisible" => ("Ký tự ẩn", "Invisible characters"),
            "space" => ("Khoảng trắng", "Spaces"),
            "d_stroke" => ("“Ð” thành “Đ”", "“Ð” to “Đ”"),
            "tone_mark" => ("Vị trí dấu thanh", "Tone mark placement"),
            "glued" => ("Âm tiết dính liền", "Glued syllables"),
            "punctuation" => ("Dấu câu", "Punctuation spacing"),
            _ => ("Khác", "Other"),
        };
        if self == Lang::Vi {
            vi
        } else {
            en
        }
    }

    /// The name of a paragraph flag (see `protocol::FlagView::flag`).
    pub fn flag(self, id: &str) -> &'static str {
        let (vi, en) = match id {
            "duplicate" => ("Trùng lặp", "Duplicate"),
            "near_duplicate" => ("Lặp lại trong đoạn khác", "Repeated in another paragraph"),
            "other_document" => ("Đã có trong tài liệu khác", "Already in another document"),
            "share" => ("Nút chia sẻ, liên kết", "Share bar, links"),
            "byline" => ("Tác giả, nguồn", "Byline, source"),
            "caption" => ("Chú thích ảnh", "Photo caption"),
            "navigation" => ("Menu, chân trang", "Menu, footer"),
            "dateline" => ("Dòng ngày tháng", "Dateline"),
            _ => ("Khác", "Other"),
        };
        if self == Lang::Vi {
            vi
        } else {
            en
        }
    }

    /// The name of a token kind (see `token::TokenKind::id`).
    pub fn token_kind(self, id: &str) -> &'static str {
        let (vi, en) = match id {
            "syllable" => ("tiếng Việt", "Vietnamese"),
            "foreign" => ("từ nước ngoài", "foreign word"),
            "acronym" => ("viết tắt", "acronym"),
            "number" => ("số", "number"),
            "date_time" => ("ngày giờ", "date/time"),
            "percent" => ("phần trăm", "percentage"),
            "money" => ("tiền", "money"),
            "url" => ("địa chỉ web", "web address"),
            "email" => ("thư điện tử", "e-mail"),
            "punct" => ("dấu câu", "punctuation"),
            _ => ("ký hiệu", "symbol"),
        };
        if self == Lang::Vi {
            vi
        } else {
            en
        }
    }

    /// The name of an entity type (see `entities::EntityType::id`).
    pub fn entity_type(self, kind: EntityType) -> &'static str {
        let (vi, en) = match kind {
            EntityType::Per => ("Người", "Person"),
            EntityType::Org => ("Tổ chức", "Organization"),
            EntityType::Loc => ("Địa danh", "Place"),
            EntityType::Date => ("Ngày tháng", "Date"),
            EntityType::Time => ("Giờ", "Time"),
            EntityType::Number => ("Số", "Number"),
            EntityType::Percent => ("Phần trăm", "Percentage"),
            EntityType::Money => ("Tiền", "Money"),
            EntityType::Quantity => ("Số lượng", "Quantity"),
            EntityType::Event => ("Sự kiện", "Event"),
            EntityType::Role => ("Chức danh", "Title"),
            EntityType::Acronym => ("Viết tắt", "Acronym"),
        };
        if self == Lang::Vi {
            vi
        } else {
            en
        }
    }

    /// The name of a class of non-syllable tokens.
    pub fn unknown_kind(self, id: &str) -> &'static str {
        let (vi, en) = match id {
            "acronym" => ("Viết tắt", "Acronym"),
            "foreign" => ("Từ nước ngoài", "Foreign word"),
            _ => ("Có thể sai chính tả", "Possible typo"),
        };
        if self == Lang::Vi {
            vi
        } else {
            en
        }
    }

    /// Why `name` could not be stored, as a sentence.
    pub fn not_saved(self, name: &str, reason: &SaveFailure) -> String {
        match (self, reason) {
            (Lang::Vi, SaveFailure::Quota) => format!("Không lưu được “{name}”: bộ nhớ trình duyệt dành cho trang này đã đầy. Tài liệu vẫn được phân tích trong phiên này nhưng sẽ mất khi tải lại trang; những gì đã lưu trước đó vẫn nguyên vẹn."),
            (Lang::En, SaveFailure::Quota) => format!("“{name}” could not be saved: the browser's storage for this page is full. It is analyzed for this session but will be gone after a reload; everything saved before is intact."),
            (Lang::Vi, SaveFailure::Other { detail }) => format!("Không lưu được “{name}”: {detail}. Tài liệu sẽ mất khi tải lại trang."),
            (Lang::En, SaveFailure::Other { detail }) => format!("“{name}” could not be saved: {detail}. It will be gone after a reload."),
            (Lang::Vi, SaveFailure::Unavailable) => format!("Không lưu được “{name}”: trình duyệt không cho lưu trữ."),
            (Lang::En, SaveFailure::Unavailable) => format!("“{name}” could not be saved: this browser does not allow storage."),
        }
    }

    /// The storage line: "Stored in this browser: 1.2 MB of 10.0 GB".
    pub fn storage(self, usage: f64, quota: f64) -> String {
        let q = if quota >= (1u64 << 30) as f64 {
            format!("{} GB", self.dec(quota / (1u64 << 30) as f64, 1))
        } else {
            self.size(quota as u64)
        };
        match self {
            Lang::Vi => format!(
                "Đã lưu trong trình duyệt: {} / {q}",
                self.size(usage as u64)
            ),
            Lang::En => format!("Stored in this browser: {} of {q}", self.size(usage as u64)),
        }
    }

    /// A warning about `name`, as a sentence.
    pub fn warning(self, name: &str, w: &DocWarning) -> String {
        match (self, w) {
            (Lang::Vi, DocWarning::InvalidBytes { count, first_at }) => format!(
                "“{name}”: {} chuỗi byte không hợp lệ đã được thay bằng “�” (chuỗi đầu tiên ở byte {}).",
                self.num(*count), self.num(*first_at)
            ),
            (Lang::En, DocWarning::InvalidBytes { count, first_at }) => format!(
                "“{name}”: {} invalid byte sequence(s) replaced by “�” (the first at byte {}).",
                self.num(*count), self.num(*first_at)
            ),
        }
    }

    /// The line shown when a job ends: how many documents, how much text and how long;
    /// the speed only for inputs large enough for it to mean something.
    pub fn job_done(self, added: u32, bytes: u64, elapsed_ms: f64, cancelled: bool) -> String {
        let secs = elapsed_ms / 1000.0;
        let time = self.dec(secs, if secs < 10.0 { 2 } else { 1 });
        let speed = (bytes >= SPEED_MIN_BYTES && secs >= 0.5).then(|| {
            let mbps = self.dec(bytes as f64 / (1u64 << 20) as f64 / secs, 1);
            match self {
                Lang::Vi => format!(" — {mbps} MB/giây"),
                Lang::En => format!(" — {mbps} MB/s"),
            }
        });
        let speed = speed.unwrap_or_default();
        let n = self.num(u64::from(added));
        let size = self.size(bytes);
        match (self, cancelled, added) {
            (Lang::Vi, false, 0) => "Không có tài liệu nào được thêm.".into(),
            (Lang::En, false, 0) => "No document was added.".into(),
            (Lang::Vi, false, _) => {
                format!("Đã phân tích {n} tài liệu ({size}) trong {time} giây{speed}.")
            }
            (Lang::En, false, 1) => format!("Analyzed 1 document ({size}) in {time} s{speed}."),
            (Lang::En, false, _) => format!("Analyzed {n} documents ({size}) in {time} s{speed}."),
            (Lang::Vi, true, 0) => "Đã hủy; không có tài liệu nào được thêm.".into(),
            (Lang::En, true, 0) => "Cancelled; nothing was added.".into(),
            (Lang::Vi, true, _) => format!("Đã hủy. {n} tài liệu đã xong vẫn được giữ."),
            (Lang::En, true, 1) => "Cancelled. The 1 finished document was kept.".into(),
            (Lang::En, true, _) => format!("Cancelled. The {n} finished documents were kept."),
        }
    }
}

/// Inputs from this size on are told with their speed (below it the figure is noise).
const SPEED_MIN_BYTES: u64 = 5 << 20;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finished_job_reads_like_the_interface() {
        // Issue 20.8: "Analyzed 1 document(s) (264 B) in 0.02 s — 0.0 MB/s."
        assert_eq!(
            Lang::En.job_done(1, 264, 20.0, false),
            "Analyzed 1 document (264 B) in 0.02 s."
        );
        assert_eq!(
            Lang::En.job_done(3, 2048, 31.0, false),
            "Analyzed 3 documents (2.0 KB) in 0.03 s."
        );
        let big = Lang::En.job_done(99, 50 << 20, 12_500.0, false);
        assert_eq!(big, "Analyzed 99 documents (50.0 MB) in 12.5 s — 4.0 MB/s.");
        assert_eq!(
            Lang::Vi.job_done(1, 264, 20.0, false),
            "Đã phân tích 1 tài liệu (264 B) trong 0,02 giây."
        );
        assert_eq!(
            Lang::En.job_done(0, 0, 5.0, false),
            "No document was added."
        );
        assert_eq!(
            Lang::En.job_done(1, 10, 5.0, true),
            "Cancelled. The 1 finished document was kept."
        );
        assert!(!Lang::En.job_done(2, 1 << 20, 900.0, false).contains("MB/s"));
    }

    #[test]
    fn browser_language_picks_first() {
        assert_eq!(Lang::from_browser(&["en-US", "vi"]), Lang::En);
        assert_eq!(Lang::from_browser(&["vi-VN", "en"]), Lang::Vi);
        assert_eq!(Lang::from_browser(&["fr"]), Lang::Vi);
        assert_eq!(Lang::from_browser::<&str>(&[]), Lang::Vi);
    }

    #[test]
    fn numbers_and_sizes() {
        assert_eq!(Lang::Vi.num(35852), "35.852");
        assert_eq!(Lang::En.num(1234567), "1,234,567");
        assert_eq!(Lang::En.num(999), "999");
        assert_eq!(Lang::Vi.size(35852), "35,0 KB");
        assert_eq!(Lang::En.size(3 << 20), "3.0 MB");
    }

    #[test]
    fn refusals_name_the_file() {
        let s = Lang::En.refusal(
            "scan.pdf",
            &RefuseReason::Binary {
                format: "PDF".into(),
            },
        );
        assert!(s.contains("scan.pdf") && s.contains("PDF"));
    }
}
