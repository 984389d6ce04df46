#include "okr/lsp/server.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace okr;

TEST_SUITE("okr::lsp") {

    TEST_CASE("frames are read as they come, a byte at a time too") {
        const std::string stream =
            lsp::frame("{\"a\":1}") + "Content-Type: x\r\ncontent-length: 2\r\n\r\n{}";
        lsp::FrameReader frames;
        std::vector<std::string> bodies;
        std::string error;
        for (char c : stream) {
            frames.add(std::string_view(&c, 1));
            while (auto body = frames.next(error))
                bodies.push_back(*body);
        }
        CHECK(error.empty());
        CHECK(bodies == std::vector<std::string>{"{\"a\":1}", "{}"});
    }

    TEST_CASE("a frame without a readable Content-Length breaks the stream") {
        for (const char* bad : {"Content-Length: x\r\n\r\n{}", "Content-Type: y\r\n\r\n{}",
                                "Content-Length: 99999999999\r\n\r\n"}) {
            lsp::FrameReader frames;
            frames.add(bad);
            std::string error;
            CHECK_FALSE(frames.next(error));
            CHECK_FALSE(error.empty());
        }
    }

    TEST_CASE("file URIs and paths convert both ways") {
        CHECK(lsp::path_of_uri("file:///home/a%20b/okr.toml") == "/home/a b/okr.toml");
        CHECK(lsp::path_of_uri("file://localhost/x/../y.toml") == "/y.toml");
        CHECK_FALSE(lsp::path_of_uri("untitled:Untitled-1"));
        CHECK_FALSE(lsp::path_of_uri("file:///a%00b"));
        CHECK(lsp::uri_of_path("/home/a b/é.toml") == "file:///home/a%20b/%C3%A9.toml");
    }

} // TEST_SUITE

TEST_SUITE("okr::lsp edits") {

    TEST_CASE("text_edits: nothing for equal texts") {
        CHECK(util::json::dump(lsp::text_edits("a\nb\n", "a\nb\n")) == "[]");
    }

    TEST_CASE("text_edits: one edit per changed line when the lines stay") {
        CHECK(util::json::dump(lsp::text_edits("a\nb\nc\nd\n", "a\nB\nc\nD\n")) ==
              "[{\"range\":{\"start\":{\"line\":1,\"character\":0},\"end\":{\"line\":2,"
              "\"character\":0}},\"newText\":\"B\\n\"},{\"range\":{\"start\":{\"line\":3,"
              "\"character\":0},\"end\":{\"line\":4,\"character\":0}},\"newText\":\"D\\n\"}]");
    }

    TEST_CASE("text_edits: an inserted line is one edit between the common lines") {
        CHECK(util::json::dump(lsp::text_edits("a\nc\n", "a\nb\nc\n")) ==
              "[{\"range\":{\"start\":{\"line\":1,\"character\":0},\"end\":{\"line\":1,"
              "\"character\":0}},\"newText\":\"b\\n\"}]");
    }

    TEST_CASE("text_edits: a last line without a newline ends in UTF-16 units") {
        // "😀" is 2 UTF-16 units, "é" one: the end of the line is character 4.
        CHECK(util::json::dump(lsp::text_edits("x\n😀é!", "x\n😀é?")) ==
              "[{\"range\":{\"start\":{\"line\":1,\"character\":0},\"end\":{\"line\":1,"
              "\"character\":4}},\"newText\":\"😀é?\"}]");
    }

    TEST_CASE("inlay_hints_setting reads the forms clients send") {
        util::json::Value nested, dotted, flat, other;
        util::json::Value okr;
        okr.set("inlayHints", false);
        nested.set("okr", okr);
        dotted.set("okr.inlayHints", true);
        flat.set("inlayHints", false);
        other.set("okr", util::json::Value("yes"));
        CHECK(lsp::inlay_hints_setting(nested) == false);
        CHECK(lsp::inlay_hints_setting(dotted) == true);
        CHECK(lsp::inlay_hints_setting(flat) == false);
        CHECK_FALSE(lsp::inlay_hints_setting(other));
        CHECK_FALSE(lsp::inlay_hints_setting(util::json::Value(nullptr)));
    }

} // TEST_SUITE
