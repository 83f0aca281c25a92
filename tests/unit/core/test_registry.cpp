// The one registry shape: generic parameter validation, lookup errors, and every family's table complete.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "nnr/core/error.hpp"
#include "nnr/core/registry.hpp"
#include "nnr/distance/distance.hpp"
#include "nnr/metrics/metric.hpp"
#include "nnr/tasks/task.hpp"
#include "nnr/transform/transform.hpp"

namespace {
using nnr::Error;

const std::vector<nnr::ParamSpec> kSpecs = {
    nnr::int_param("radius", "window radius", 1, 0, 10, "frames"),
    nnr::number_param("exponent", "slope", 1.0, 0.0, 2.0),
    nnr::string_param("engine", "engine", "R2", {"R2", "R3"}),
    nnr::bool_param("fast", "fast path", false),
};

std::string message(const nlohmann::json& given) {
  try {
    nnr::validate_params(kSpecs, given, "distance x");
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), nnr::ErrorKind::config);
    return e.what();
  }
  return "";
}

TEST(Registry, DefaultsFilledAndValuesKept) {
  const auto p = nnr::validate_params(kSpecs, nullptr, "ctx");
  EXPECT_EQ(p.integer("radius"), 1);
  EXPECT_EQ(p.number("exponent"), 1.0);
  EXPECT_EQ(p.string("engine"), "R2");
  EXPECT_FALSE(p.boolean("fast"));
  const auto q = nnr::validate_params(kSpecs, {{"radius", 3}, {"engine", "R3"}, {"fast", true}}, "ctx");
  EXPECT_EQ(q.integer("radius"), 3);
  EXPECT_EQ(q.string("engine"), "R3");
  EXPECT_TRUE(q.boolean("fast"));
  // Round trip: the resolved object validates to itself.
  EXPECT_EQ(nnr::validate_params(kSpecs, q.json(), "ctx").json(), q.json());
  EXPECT_EQ(nnr::validate_params(kSpecs, {{"radius", 2.0}}, "ctx").integer("radius"), 2);  // 2.0 is an integer
}

TEST(Registry, BadInputNamesKeyAndValidValues) {
  EXPECT_NE(message({{"radious", 1}}).find("unknown key (key=radious); valid: radius, exponent, engine, fast"),
            std::string::npos);
  EXPECT_NE(message({{"radius", 11}}).find("radius=11"), std::string::npos);
  EXPECT_NE(message({{"radius", 11}}).find("0..10 frames"), std::string::npos);
  EXPECT_NE(message({{"radius", 1.5}}).find("an integer"), std::string::npos);
  EXPECT_NE(message({{"exponent", "one"}}).find("exponent=\"one\""), std::string::npos);
  EXPECT_NE(message({{"engine", "R4"}}).find("valid: R2, R3"), std::string::npos);
  EXPECT_NE(message({{"fast", 1}}).find("true or false"), std::string::npos);
  EXPECT_NE(message(nlohmann::json::array()).find("must be a JSON object"), std::string::npos);
  EXPECT_EQ(message({{"radius", 10}}), "");
}

TEST(Registry, UnknownMemberListsTheTable) {
  try {
    nnr::distance::sequence_distance_registry().find("dwt");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("valid: dtw, fastdtw, simple"), std::string::npos) << e.what();
  }
  EXPECT_NE(nnr::distance::sequence_distance_registry().help().find("radius=1"), std::string::npos);
}

template <class R>
void expect_complete(const R& registry) {
  std::set<std::string> names;
  for (const auto& e : registry.entries()) {
    EXPECT_TRUE(names.insert(e.name).second) << registry.family() << " " << e.name;
    EXPECT_FALSE(e.description.empty()) << e.name;
    // Every member builds its defaults: declared defaults satisfy their own ranges.
    EXPECT_NO_THROW(nnr::validate_params(e.parameters, nullptr, e.name)) << e.name;
  }
  EXPECT_FALSE(names.empty()) << registry.family();
}

TEST(Registry, EveryFamilyTableIsComplete) {
  expect_complete(nnr::distance::sequence_distance_registry());
  expect_complete(nnr::distance::vector_distance_registry());
  expect_complete(nnr::transform::transform_registry());
  expect_complete(nnr::metrics::metric_registry());
  expect_complete(nnr::tasks::task_registry());
  for (const auto& m : nnr::metrics::metric_registry().entries()) EXPECT_FALSE(m.label.empty()) << m.name;
  for (const auto& t : nnr::tasks::task_registry().entries()) {
    EXPECT_EQ(nnr::tasks::task_name(nnr::tasks::parse_task(t.name)), t.name);
    if (t.objective == nnr::tasks::Objective::source_mask) {
      EXPECT_TRUE(t.needs_reference) << t.name;
    }
    EXPECT_TRUE(t.aggregate == "mean" || t.aggregate == "median") << t.name;
    EXPECT_TRUE(t.score != nullptr && t.epochs > 0 && t.batch_size > 0) << t.name;
  }
  EXPECT_THROW(nnr::tasks::parse_task("xx"), Error);
  EXPECT_EQ(nnr::tasks::parse_task("vs"), nnr::tasks::Task::vs);  // the handle compares by name
  EXPECT_NE(nnr::tasks::Task::ae, nnr::tasks::Task::at);
}

TEST(Registry, SequenceDistanceParamsValidated) {
  EXPECT_EQ(nnr::distance::make_sequence_distance("fastdtw", {{"radius", 2}})->params(),
            (nlohmann::json{{"radius", 2}}));
  EXPECT_THROW(nnr::distance::make_sequence_distance("fastdtw", {{"radius", -1}}), Error);
  EXPECT_THROW(nnr::distance::make_sequence_distance("dtw", {{"radius", 1}}), Error);
  EXPECT_THROW(nnr::distance::make_sequence_distance("dtw", {{"band", -2}}), Error);
}

}  // namespace
