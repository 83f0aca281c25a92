#include <gtest/gtest.h>

#include <set>

#include "nnr/corpus/music.hpp"
#include "nnr/corpus/vocals.hpp"

namespace nnr::corpus {
namespace {

TEST(Music, ElevenIrmasClassesWithGmPrograms) {
  const std::vector<std::string> codes = {"cel", "cla", "flu", "gac", "gel", "org", "pia", "sax", "tru", "vio", "voi"};
  ASSERT_EQ(lead_instruments().size(), codes.size());
  for (std::size_t i = 0; i < codes.size(); ++i) EXPECT_EQ(lead_index(codes[i]), static_cast<int>(i));
  EXPECT_EQ(lead_index("xyz"), -1);
  EXPECT_EQ(lead_instruments()[lead_index("flu")].programs, std::vector<int>{73});
  EXPECT_EQ(lead_instruments()[lead_index("voi")].programs, (std::vector<int>{52, 53}));
}

TEST(Music, SongsAreDeterministicAndRespectConstraints) {
  for (std::uint64_t seed = 1; seed < 200; ++seed) {
    SongConstraints c;
    c.lead = static_cast<int>(seed % 11);
    const SongSpec s = make_song(seed, c);
    EXPECT_EQ(s.lead, c.lead);
    EXPECT_NE(std::string(chord_instruments()[s.chord].irmas), lead_instruments()[s.lead].code);
    const auto n1 = song_notes(s, 3.0), n2 = song_notes(s, 3.0);
    ASSERT_EQ(n1.size(), n2.size());
    const auto& li = lead_instruments()[s.lead];
    for (const auto& n : n1) {
      EXPECT_LT(n.start_s, 3.0);
      if (n.channel == kLeadChannel) {
        EXPECT_GE(n.key, li.lo - 2);
        EXPECT_LE(n.key, li.hi + 2);
      }
      EXPECT_TRUE(n.channel != kDrumChannel || s.drums);
    }
    // A longer render of the same song starts with the same notes (excerpts of one performance).
    const auto longer = song_notes(s, 6.0);
    ASSERT_GE(longer.size(), n1.size());
  }
}

TEST(Music, TagsFollowTheSpec) {
  SongSpec s = make_song(5, {});
  s.bpm = 70;
  s.drums = true;
  s.minor = true;
  s.vocal_line = -1;
  const auto t = song_tags(s);
  const std::set<std::string> ts(t.begin(), t.end());
  EXPECT_TRUE(ts.count("slow"));
  EXPECT_TRUE(ts.count("drums"));
  EXPECT_TRUE(ts.count("minor"));
  EXPECT_TRUE(ts.count("instrumental"));
  EXPECT_TRUE(ts.count(lead_instruments()[s.lead].tag));
  EXPECT_STREQ(tempo_class(89.9), "slow");
  EXPECT_STREQ(tempo_class(90), "medium");
  EXPECT_STREQ(tempo_class(125), "fast");
}

TEST(Vocals, FestivalXmlCompensatesItsQuirks) {
  VocalLine v = make_vocal_line(0, 42);
  v.bpm = 120;
  v.notes = {{0, 1, 48, "la"}, {2, 2, 50, "day"}};
  const std::string x = festival_song_xml(v);
  EXPECT_NE(x.find("BPM=\"100\""), std::string::npos) << x;            // 50/BPM s per beat = 0.5 s
  EXPECT_NE(x.find("NOTE=\"C4\">la"), std::string::npos) << x;         // sung an octave lower: C3
  EXPECT_NE(x.find("<REST BEATS=\"1\"></REST>"), std::string::npos) << x;
  EXPECT_NE(x.find("NOTE=\"D4\">day"), std::string::npos) << x;
}

}  // namespace
}  // namespace nnr::corpus
