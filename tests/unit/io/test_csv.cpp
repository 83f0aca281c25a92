#include <gtest/gtest.h>

#include <cmath>

#include "nnr/core/error.hpp"
#include "nnr/io/csv.hpp"

TEST(Csv, QuotesRoundTrip) {
  nnr::io::CsvWriter w({"a", "b"});
  w.add_row({"x,y", "say \"hi\""});
  w.add_row({"plain", "multi\nline"});
  const auto t = nnr::io::parse_csv(w.str());
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[0][0], "x,y");
  EXPECT_EQ(t.rows[0][1], "say \"hi\"");
  EXPECT_EQ(t.rows[1][1], "multi\nline");
  EXPECT_EQ(t.column("b"), 1u);
  EXPECT_THROW(t.column("c"), nnr::Error);
}

TEST(Csv, RaggedRowIsAnError) {
  EXPECT_THROW(nnr::io::parse_csv("a,b\n1,2,3\n"), nnr::Error);
}

TEST(Csv, NumbersRoundTrip) {
  EXPECT_EQ(nnr::io::format_number(0.1), "0.1");
  EXPECT_EQ(nnr::io::format_number(std::nan("")), "nan");
  EXPECT_EQ(std::stod(nnr::io::format_number(1.0 / 3.0)), 1.0 / 3.0);
}

// Spreadsheet exports start with a UTF-8 byte-order mark; it must not become part of the first column name.
TEST(Csv, Utf8BomIsNotPartOfTheFirstColumn) {
  const auto t = nnr::io::parse_csv("\xEF\xBB\xBFpath,label\na.wav,x\n", "bom.csv");
  EXPECT_TRUE(t.has_column("path"));
  EXPECT_EQ(t.rows.at(0).at(t.column("path")), "a.wav");
}
