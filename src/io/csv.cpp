#include "nnr/io/csv.hpp"

#include <charconv>
#include <cmath>

#include "nnr/core/error.hpp"
#include "nnr/io/atomic_file.hpp"

namespace nnr::io {

std::size_t CsvTable::column(const std::string& name) const {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return i;
  throw_input("csv: missing column '" + name + "' (" + source + ")");
}

bool CsvTable::has_column(const std::string& name) const {
  for (const auto& h : header)
    if (h == name) return true;
  return false;
}

std::vector<std::string> visit_csv(const std::string& text_in, const std::string& source,
                                   const CsvRowVisitor& on_row) {
  // A UTF-8 byte-order mark (spreadsheet exports) is not part of the first column's name.
  const std::size_t start = text_in.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;
  const std::string& text = text_in;
  std::vector<std::string> header, row;
  std::string field;
  bool in_quotes = false, field_started = false;
  std::size_t line = 1;
  auto end_row = [&] {
    row.push_back(field);
    field.clear();
    field_started = false;
    if (row.size() == 1 && row[0].empty()) {  // blank line
      row.clear();
      return;
    }
    if (header.empty()) {
      header = std::move(row);
    } else {
      if (row.size() != header.size())
        throw_input("csv: line " + std::to_string(line) + " has " + std::to_string(row.size()) +
                    " fields, header has " + std::to_string(header.size()) + " (" + source + ")");
      on_row(header, row);
    }
    row.clear();
  };
  for (std::size_t i = start; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        if (c == '\n') ++line;
        field += c;
      }
    } else if (c == '"' && !field_started) {
      in_quotes = true;
      field_started = true;
    } else if (c == ',') {
      row.push_back(field);
      field.clear();
      field_started = false;
    } else if (c == '\n') {
      end_row();
      ++line;
    } else if (c != '\r') {
      field += c;
      field_started = true;
    }
  }
  if (in_quotes) throw_input("csv: unterminated quote (" + source + ")");
  if (!field.empty() || !row.empty()) end_row();
  return header;
}

CsvTable parse_csv(const std::string& text, const std::string& source) {
  CsvTable table;
  table.source = source;
  table.header = visit_csv(text, source, [&](const std::vector<std::string>&, const std::vector<std::string>& row) {
    table.rows.push_back(row);
  });
  return table;
}

CsvTable read_csv(const std::filesystem::path& path) { return parse_csv(read_file(path), path.string()); }

std::string csv_escape(const std::string& field) {
  if (field.find_first_of(",\"\n\r") == std::string::npos) return field;
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string format_number(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

CsvWriter::CsvWriter(std::vector<std::string> header) : n_cols_(header.size()) { add_row(header); n_rows_ = 0; }

void CsvWriter::add_row(const std::vector<std::string>& fields) {
  NNR_ASSERT(fields.size() == n_cols_);
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) text_ += ',';
    text_ += csv_escape(fields[i]);
  }
  text_ += '\n';
  ++n_rows_;
}

std::string CsvWriter::str() const { return text_; }

void CsvWriter::write(const std::filesystem::path& path) const { write_file_atomic(path, text_); }

}  // namespace nnr::io
