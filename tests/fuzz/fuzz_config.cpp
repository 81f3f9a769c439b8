// libFuzzer target: the configuration file (gatehouse.conf) and the settings it carries. Any text
// either parses to settings or throws ConfigError naming the problem — never a crash, never another
// exception (libFuzzer reports an uncaught one) — and so do make_config and config_as_shell on them.
#include "gatehouse/core/config.hpp"

#include "fuzz_util.hpp"

#include <stdexcept>

using gatehouse::core::ConfigError;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(fuzz::as_text(data, size));
    gatehouse::core::Settings settings;
    try {
        settings = gatehouse::core::parse_config_file(text, "fuzz.conf");
    } catch (const ConfigError&) {
        return 0;
    }
    for (const auto& [key, value] : settings) FUZZ_CHECK(!key.empty());
    try {
        const auto config = gatehouse::core::make_config(settings, {});
        const std::string shell = gatehouse::core::config_as_shell(config);
        FUZZ_CHECK(shell.find("export GATEHOUSE_") != std::string::npos);
    } catch (const ConfigError&) {
    }
    return 0;
}
