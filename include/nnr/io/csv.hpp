#pragma once
/// Tidy CSV (RFC 4180 quoting, '\n' line ends, header row) so pandas.read_csv / R's read.csv load it in
/// one line. Numbers are written with enough digits to round-trip; NaN as "nan" (pandas reads it).

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace nnr::io {

struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  /// Index of column `name`; throws Error(input) naming `source` if absent.
  std::size_t column(const std::string& name) const;
  bool has_column(const std::string& name) const;
  std::string source;  ///< file it was read from, for messages
};

/// Parses CSV text; rows with a different field count than the header throw Error(input) with the line.
CsvTable parse_csv(const std::string& text, const std::string& source = "<memory>");
CsvTable read_csv(const std::filesystem::path& path);
/// The same parse, streaming: on_row(header, fields) for every data row (`fields` is reused between calls);
/// returns the header. For tables too large to hold as strings (results/per_clip.csv of a paper-scale run).
using CsvRowVisitor = std::function<void(const std::vector<std::string>& header, const std::vector<std::string>& row)>;
std::vector<std::string> visit_csv(const std::string& text, const std::string& source, const CsvRowVisitor& on_row);

/// Quotes a field if it holds a comma, quote or newline.
std::string csv_escape(const std::string& field);
/// Shortest round-trip text of a double ("nan", "inf" for non-finite).
std::string format_number(double v);

/// Builds CSV text row by row; write() is atomic.
class CsvWriter {
 public:
  explicit CsvWriter(std::vector<std::string> header);
  void add_row(const std::vector<std::string>& fields);
  std::string str() const;
  void write(const std::filesystem::path& path) const;
  std::size_t rows() const { return n_rows_; }

 private:
  std::size_t n_cols_;
  std::size_t n_rows_ = 0;
  std::string text_;
};

}  // namespace nnr::io
