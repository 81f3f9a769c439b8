#pragma once
// The release, as `gatehouse version` and gatehouse_build_info on /metrics print it.
namespace gatehouse::core {

inline constexpr const char* kVersion = "0.1.0";

}  // namespace gatehouse::core
