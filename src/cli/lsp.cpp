#include "okr/cli/command_line.hpp"
#include "okr/cli/commands.hpp"
#include "okr/lsp/server.hpp"

#include <cerrno>
#include <memory>
#include <unistd.h>

namespace okr::cli {

// `okr lsp`: the language server on standard input and output (the stdio edge of lsp::Server).
// Ends when the client sends `exit`, closes its end, or breaks the framing.
Runner setup_lsp(CommandLine& command) {
    auto stdio = std::make_shared<bool>(false);
    command.add_flag("--stdio", *stdio,
                     "Talk over standard input and output (the default and only way; clients "
                     "pass it)");
    return [stdio](const Session& session, std::string& /*out*/) {
        const io::DiskFiles disk;
        lsp::Server server({session.as_of(), OKR_VERSION, &disk});
        lsp::FrameReader frames;
        char buffer[65536];
        for (;;) {
            const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return ExitCode::problems; // the client is gone without `exit`
            frames.add(std::string_view(buffer, static_cast<std::size_t>(n)));
            std::string error;
            while (auto body = frames.next(error)) {
                for (const std::string& message : server.handle(*body))
                    if (!write_protocol(lsp::frame(message))) return ExitCode::problems;
                if (server.exited())
                    return server.exit_code() == 0 ? ExitCode::ok : ExitCode::problems;
            }
            if (!error.empty()) {
                write_protocol(lsp::frame(lsp::parse_error_response(error)));
                return ExitCode::problems;
            }
        }
    };
}

} // namespace okr::cli
