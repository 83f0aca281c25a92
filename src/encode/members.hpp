#pragma once
// Factories of nnr::core's encoder members, listed in builtin.cpp's table.
#include <memory>
#include <string>

#include "nnr/encode/encoder.hpp"

namespace nnr::encode::detail {

std::unique_ptr<Encoder> make_mfcc_encoder(const std::string& argument, const Params& params,
                                           const EncoderSettings& settings);

/// How many members nnr::core's own table has (the rest were added by other libraries).
std::size_t core_encoder_count();

}  // namespace nnr::encode::detail
