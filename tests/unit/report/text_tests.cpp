#include "okr/report/text.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fmt/format.h>
#include <random>
#include <string>
#include <utf8proc.h>
#include <vector>

using namespace okr::report;

TEST_SUITE("okr::report::text") {

    TEST_CASE("ASCII text is one column per character") {
        CHECK(display_width("") == 0);
        CHECK(display_width("hello") == 5);
        CHECK(display_width("Grow revenue 20%") == 16);
    }

    TEST_CASE("CJK characters are two columns each") {
        CHECK(display_width("日本語") == 6);
        CHECK(display_width("한국어") == 6);
        CHECK(display_width("ＡＢ") == 4);
        CHECK(display_width("Q4 目標") == 7);
    }

    TEST_CASE("an emoji is two columns, with or without a skin tone") {
        CHECK(display_width("🎉") == 2);
        CHECK(display_width("🚀 launch") == 9);
        CHECK(display_width("👍🏽") == 2);
    }

    TEST_CASE("an emoji presentation selector makes a symbol two columns") {
        CHECK(display_width("\u2764") == 1);
        CHECK(display_width("\u2764\ufe0f") == 2);
    }

    TEST_CASE("combining marks take no column of their own") {
        CHECK(display_width("e\u0301") == 1);
        CHECK(display_width("Cafe\u0301") == 4);
        CHECK(display_width("a\u0308o\u0308u\u0308") == 3);
    }

    TEST_CASE("a flag is two columns, not the one of its first regional indicator") {
        CHECK(display_width("🇯🇵") == 2);
        CHECK(display_width("🇯🇵🇫🇷") == 4);
        CHECK(display_width("Team 🇯🇵") == 7);
    }

    TEST_CASE("a ZWJ sequence is one two-column cluster") {
        CHECK(display_width("👨\u200d👩\u200d👧") == 2);
        CHECK(display_width("👩\u200d💻 dev") == 6);
    }

    TEST_CASE("an invalid UTF-8 byte is one column") {
        CHECK(display_width("\xff") == 1);
        CHECK(display_width(std::string("a\xff") + "b") == 3);
    }

    TEST_CASE("text that fits is not truncated") {
        CHECK(truncate_to_width("hello", 5) == "hello");
        CHECK(truncate_to_width("hello", 80) == "hello");
        CHECK(truncate_to_width("日本", 4) == "日本");
    }

    TEST_CASE("text that does not fit is cut and ends in an ellipsis") {
        CHECK(truncate_to_width("Hello world", 8) == "Hello w…");
        CHECK(display_width(truncate_to_width("Hello world", 8)) == 8);
        CHECK(truncate_to_width("abc", 1) == "…");
        CHECK(truncate_to_width("abc", 0).empty());
    }

    TEST_CASE("a cut does not leave a space before the ellipsis") {
        CHECK(truncate_to_width("Hello world", 7) == "Hello…");
    }

    TEST_CASE("a cut never splits a wide character, a combining mark or a cluster") {
        CHECK(truncate_to_width("日本語テキスト", 5) == "日本…");
        CHECK(truncate_to_width("日本語テキスト", 4) == "日…");
        CHECK(truncate_to_width("e\u0301e\u0301e\u0301", 2) == "e\u0301…");
        CHECK(truncate_to_width("🇯🇵🇫🇷🇩🇪", 4) == "🇯🇵…");
        CHECK(truncate_to_width("👨\u200d👩\u200d👧👨\u200d👩\u200d👧", 3) == "👨\u200d👩\u200d👧…");
    }

    TEST_CASE("truncated text never exceeds the width asked for") {
        const std::string text = "Grow 日本 🚀 e\u0301 🇯🇵 revenue";
        for (std::size_t w = 0; w <= display_width(text) + 1; ++w) {
            CAPTURE(w);
            CHECK(display_width(truncate_to_width(text, w)) <= w);
        }
    }

    TEST_CASE("padding counts display columns") {
        CHECK(pad_right("日本", 6) == "日本  ");
        CHECK(pad_left("ab", 4) == "  ab");
        CHECK(pad_left("🎉", 3) == " 🎉");
        CHECK(pad_right("too long", 3) == "too long");
    }

    TEST_CASE("escape_control makes ESC and other C0 controls visible") {
        CHECK(escape_control("\x1b[31mred\x1b[0m") == "\\x1b[31mred\\x1b[0m");
        CHECK(escape_control("a\nb\tc\rd") == "a\\nb\\tc\\rd");
        CHECK(escape_control("bell\x07") == "bell\\x07");
        CHECK(escape_control(std::string_view("a\0b", 3)) == "a\\x00b");
        CHECK(escape_control("del\x7f") == "del\\x7f");
    }

    TEST_CASE("escape_control makes C1 controls, line separators and bidi overrides visible") {
        CHECK(escape_control(std::string("\xc2\x9b") + "31m") == "\\u009b31m");
        CHECK(escape_control("\xc2\x85") == "\\u0085");
        CHECK(escape_control("a\u2028b") == "a\\u2028b");
        CHECK(escape_control("\u202eevil") == "\\u202eevil");
    }

    TEST_CASE("escape_output keeps lines and tabs, escapes every other control, and only okr's "
              "own colours pass when asked") {
        const std::string evil = std::string("a\tb\n\x1b]52;c;eA==\x07\r") + std::string("\0", 1) +
                                 "\u202e\x1b[31mred\x1b[0m\n";
        CHECK(escape_output(evil) ==
              "a\tb\n\\x1b]52;c;eA==\\x07\\r\\x00\\u202e\\x1b[31mred\\x1b[0m\n");
        CHECK(escape_output(evil, true) ==
              "a\tb\n\\x1b]52;c;eA==\\x07\\r\\x00\\u202e\x1b[31mred\x1b[0m\n");
        CHECK(escape_output("\x1b[2J\x1b[31", true) == "\\x1b[2J\\x1b[31");
        CHECK(escape_output("plain\n") == "plain\n");
        // Escaped text passes unchanged: a piece escaped by its caller is not escaped twice.
        CHECK(escape_output(escape_control(evil)) == escape_control(evil));
    }

    TEST_CASE("escape_control makes invalid UTF-8 visible") {
        CHECK(escape_control("caf\xe9") == "caf\\xe9");
        CHECK(escape_control("\xff\xfe") == "\\xff\\xfe");
    }

    TEST_CASE("escape_control leaves printable text alone") {
        const std::string text = "Grow 日本 🚀 e\u0301 🇯🇵 \"quoted\" back\\slash 100%";
        CHECK(escape_control(text) == text);
    }

    TEST_CASE("escaped text holds no control byte at all") {
        std::string all;
        for (int c = 0; c < 0x20; ++c)
            all += static_cast<char>(c);
        all += '\x7f';
        const std::string escaped = escape_control(all);
        for (char c : escaped) {
            const auto u = static_cast<unsigned char>(c);
            CHECK((u >= 0x20 && u != 0x7f));
        }
    }

    TEST_CASE("numbers print without trailing noise") {
        CHECK(format_number(0.7) == "0.7");
        CHECK(format_number(12.5) == "12.5");
        CHECK(format_number(1200) == "1200");
        CHECK(format_number(1200.0) == "1200");
        CHECK(format_number(91.2) == "91.2");
        CHECK(format_number(0.1 + 0.2) == "0.3");
        CHECK(format_number(1e6) == "1000000");
        CHECK(format_number(-12.5) == "-12.5");
        CHECK(format_number(0) == "0");
    }

    TEST_CASE("numbers round to the decimals asked for") {
        CHECK(format_number(3.14159) == "3.14");
        CHECK(format_number(2.999) == "3");
        CHECK(format_number(0.125) == "0.13");
        CHECK(format_number(12.5, 0) == "13");
        CHECK(format_number(0.75, 1) == "0.8");
        CHECK(format_number(3.14159, 4) == "3.1416");
    }

    TEST_CASE("a number never prints as -0") {
        CHECK(format_number(-0.0) == "0");
        CHECK(format_number(-0.0, 4) == "0");
        CHECK(format_number(-0.0, 0) == "0");
        CHECK(format_number(-0.006) == "-0.01");
    }

    TEST_CASE("a number too small for its decimals shows its digits, never 0 (issue 27)") {
        // Three significant digits, in the form CSV and JSON write (fmt's), so that a value
        // that is not 0 never reads as 0.
        CHECK(format_number(2.3e-308) == "2.3e-308");
        CHECK(format_number(2.3e-308, 4) == "2.3e-308");
        CHECK(format_number(1e-9) == "1e-09");
        CHECK(format_number(-1e-9) == "-1e-09");
        CHECK(format_number(1.5e-9, 4) == "1.5e-09");
        CHECK(format_number(1.23456e-7) == "1.23e-07");
        CHECK(format_number(0.001) == "0.001");
        CHECK(format_number(-0.004) == "-0.004");
        CHECK(format_number(-0.4, 0) == "-0.4");
        // Not too small: rounded to the decimals as before.
        CHECK(format_number(0.005) == "0.01");
        CHECK(format_number(0.00006, 4) == "0.0001");
    }

    TEST_CASE("a number that is not finite prints as a dash") {
        CHECK(format_number(NAN) == "-");
        CHECK(format_number(INFINITY) == "-");
        CHECK(format_percent(NAN) == "-");
        CHECK(format_score(NAN) == "-");
    }

    TEST_CASE("percentages are cut toward zero to whole numbers, like scores") {
        CHECK(format_percent(0.625) == "62%");
        CHECK(format_percent(0.849) == "84%");
        CHECK(format_percent(0.57) == "57%");
        CHECK(format_percent(0.29) == "29%");
        CHECK(format_percent(-0.337) == "-33%");
        CHECK(format_percent(0.7) == "70%");
        CHECK(format_percent(0.0) == "0%");
        CHECK(format_percent(1.0) == "100%");
        CHECK(format_percent(1.2) == "120%");
        CHECK(format_percent(0.333) == "33%");
        CHECK(format_percent(-0.25) == "-25%");
        CHECK(format_percent(-0.004) == "0%");
    }

    TEST_CASE("a score is cut, not rounded, so it never shows a band it has not reached") {
        CHECK(format_score(0.699) == "0.69");
        CHECK(format_score(0.57) == "0.57");
        CHECK(format_score(0.7) == "0.70");
        CHECK(format_score(1.0) == "1.00");
        CHECK(format_score(0.0) == "0.00");
        CHECK(format_score(0.849) == "0.84");
    }

    TEST_CASE("a score always shows two decimals, so a column of scores lines up (issue 26)") {
        // `0.60` beside `0.68`, never `0.6`; 0.001 is cut to 0.00, never written as 1e-03.
        CHECK(format_score(0.6) == "0.60");
        CHECK(format_score(0.6000001) == "0.60");
        CHECK(format_score(0.05) == "0.05");
        CHECK(format_score(0.001) == "0.00");
        CHECK(format_score(0.999) == "0.99");
        for (double s : {0.0, 0.1, 0.25, 0.5, 0.68, 0.7, 0.9, 1.0})
            CHECK(format_score(s).size() == 4);
    }

    TEST_CASE("a score and its percentage show the same cut number") {
        for (double s : {0.849, 0.6899999, 0.57, 0.29, 0.999, 0.0101}) {
            CAPTURE(s);
            const std::string score = format_score(s);
            const std::string percent = format_percent(s);
            CHECK(std::stod(score) * 100 == doctest::Approx(std::stod(percent)));
        }
    }

    TEST_CASE("a change of progress reads in points, cut toward zero") {
        CHECK(format_points(0.6667) == "+66 pts");
        CHECK(format_points(1.0) == "+100 pts");
        CHECK(format_points(-0.05) == "-5 pts");
        CHECK(format_points(0.0) == "0 pts");
        CHECK(format_points(-0.004) == "0 pts");
    }

    TEST_CASE("derived numbers are tidied to 12 significant digits, and -0 is 0") {
        CHECK(tidy(-0.20000000000000018) == -0.2);
        CHECK(tidy(0.44999999999999996) == 0.45);
        CHECK(tidy(0.1 + 0.2) == 0.3);
        CHECK(std::signbit(tidy(-0.0)) == false);
        CHECK(tidy(1460000) == 1460000);
        CHECK(tidy(123456.789) == 123456.789);
        // 12 significant digits stay; a 13th is rounded, wherever the point is
        CHECK(tidy(123456789012.0) == 123456789012.0);
        CHECK(tidy(1234567890123.0) == 1234567890120.0);
        CHECK(tidy(0.12345678901251) == 0.123456789013);
        CHECK(tidy(-0.00012345678901249) == -0.000123456789012);
        CHECK(tidy(1.5e-300) == 1.5e-300);
        CHECK(tidy(2.0000000000001e300) == 2e300);
        CHECK(tidy(1e22) == 1e22);
    }

    TEST_CASE("append_tidy writes what fmt writes of tidy, for every kind of number") {
        auto expected = [](double v) { return fmt::format("{}", tidy(v)); };
        auto written = [](double v) {
            std::string out = "x"; // appends, keeping what was there
            append_tidy(out, v);
            return out.substr(1);
        };
        CHECK(written(0.0) == "0");
        CHECK(written(-0.0) == "0");
        CHECK(written(0.44999999999999996) == "0.45");
        CHECK(written(0.5824175824175825) == "0.582417582418");
        CHECK(written(3) == "3");
        CHECK(written(-1460000) == "-1460000");
        CHECK(written(0.0001) == "0.0001");
        CHECK(written(0.00001) == "1e-05");
        CHECK(written(123456789012.4) == "123456789012");
        CHECK(written(999999999999.7) == "1000000000000");
        CHECK(written(1e16) == "1e+16");
        CHECK(written(1234567890123.0) == "1234567890120");
        // Around every power of ten the layout and the digits change; and random values of
        // every magnitude, and of few decimals, as goal files hold.
        std::vector<double> values;
        for (int e = -6; e <= 17; ++e) {
            const double p = std::pow(10.0, e);
            for (double v :
                 {p, std::nextafter(p, 0.0), std::nextafter(p, 1e300), p * 0.9999999999995,
                  p * 0.99999999999949, p * 1.0000000000005, p * 0.5, p * 0.25})
                values.push_back(v);
        }
        std::mt19937_64 random(15);
        std::uniform_real_distribution<double> unit(0, 1);
        std::uniform_int_distribution<std::uint64_t> bits;
        for (int i = 0; i < 100000; ++i) {
            const double v = std::exp(unit(random) * 46 - 14);
            values.push_back(v);
            values.push_back(-std::round(v * 100) / 100);
            values.push_back(std::round(v * 1e6) / 1e6);
            values.push_back(static_cast<double>(i % 7) / (i % 13 + 1));
            const std::uint64_t b = bits(random);
            double any = 0;
            std::memcpy(&any, &b, sizeof any);
            if (std::isfinite(any)) values.push_back(any);
        }
        std::size_t wrong = 0;
        for (double v : values)
            if (written(v) != expected(v) && ++wrong <= 5)
                CHECK_MESSAGE(written(v) == expected(v), fmt::format("{:.17g}", v));
        CHECK(wrong == 0);
    }

    TEST_CASE(
        "numbers, percentages, points, scores and tidy agree with their definitions (issue 29)") {
        // The definitions, the long way: tidy is %.12g read back; a percentage (points, a score)
        // is tidy(tidy(x) * 100) cut toward zero, written by fmt. The short ways must agree on
        // every number: near every whole hundredth, where a cut is decided, and at random.
        auto tidy_long = [](double v) {
            if (!std::isfinite(v) || v == 0) return v == 0 ? 0.0 : v;
            char text[64];
            std::snprintf(text, sizeof text, "%.12g", v);
            const double out = std::strtod(text, nullptr);
            return out == 0 ? 0.0 : out;
        };
        auto cut_long = [&](double x) {
            const double t = std::trunc(tidy_long(tidy_long(x) * 100));
            return t == 0 ? 0.0 : t;
        };
        std::vector<double> values = {0.0,    1.0,     -1.0, 0.57,    0.29, 0.849, 1.0 / 3, 2.0 / 3,
                                      1e-300, -1e-300, 1e14, 9.99e12, 1e13, 1e300, -1e300,  123.45};
        for (int k = -1000; k <= 1000; ++k) {
            const double h = k / 100.0;
            values.push_back(h);
            for (int ulps = 1; ulps <= 4; ++ulps) {
                values.push_back(std::nextafter(h, ulps % 2 ? INFINITY : -INFINITY));
                double v = h;
                for (int u = 0; u < ulps * 1000; ++u)
                    v = std::nextafter(v, ulps % 2 ? -INFINITY : INFINITY);
                values.push_back(v);
            }
            values.push_back(h + 1e-13);
            values.push_back(h - 1e-13);
            values.push_back(h + 3e-11);
            values.push_back(h - 3e-11);
        }
        for (int a = 0; a <= 60; ++a)
            for (int b = 1; b <= 60; ++b)
                values.push_back(static_cast<double>(a) / b);
        std::mt19937_64 random(29);
        std::uniform_real_distribution<double> unit(-2.0, 2.0);
        std::uniform_int_distribution<int> exponent(-20, 20);
        for (int i = 0; i < 20000; ++i)
            values.push_back(unit(random) * std::pow(10.0, exponent(random)));
        // A number to its decimals, the long way: fmt's fixed form of it rounded, without the
        // zeros that end it.
        auto number_long = [](double value, int decimals) -> std::string {
            const double scale = std::pow(10.0, decimals);
            double rounded = std::round(value * scale) / scale;
            if (rounded == 0 && value != 0) return fmt::format("{:.3g}", value);
            if (rounded == 0) rounded = 0;
            if (std::fabs(rounded) >= 1e15) return fmt::format("{:.0f}", rounded);
            std::string s = fmt::format("{:.{}f}", rounded, decimals);
            if (s.find('.') != std::string::npos) {
                while (s.back() == '0')
                    s.pop_back();
                if (s.back() == '.') s.pop_back();
            }
            return s;
        };
        int wrong = 0;
        for (const double v : values)
            for (const int decimals : {0, 1, 2, 3, 4, 6})
                if (format_number(v, decimals) != number_long(v, decimals)) {
                    ++wrong;
                    CHECK_MESSAGE(format_number(v, decimals) == number_long(v, decimals),
                                  fmt::format("{:.17g} to {} decimals", v, decimals));
                }
        for (const double v : values) {
            const double t = cut_long(v);
            const std::string percent = fmt::format("{}%", t);
            const std::string points = fmt::format("{}{} pts", t > 0 ? "+" : "", t);
            const std::string score = fmt::format("{:.2f}", t / 100);
            const double tidied = tidy_long(v);
            const double short_tidied = tidy(v);
            const bool ok = format_percent(v) == percent && format_points(v) == points &&
                            format_score(v) == score &&
                            std::memcmp(&tidied, &short_tidied, sizeof(double)) == 0;
            wrong += ok ? 0 : 1;
            if (!ok)
                CHECK_MESSAGE(ok, fmt::format("{:.17g}: {} {} {} {:.17g}, want {} {} {} {:.17g}", v,
                                              format_percent(v), format_points(v), format_score(v),
                                              tidy(v), percent, points, score, tidied));
        }
        CHECK(wrong == 0);
    }

    TEST_CASE("the characters display_width counts one by one are narrow clusters of their own") {
        // display_width counts printable ASCII, bars, sparklines and a few signs without a look
        // at graphemes (issue 29): each must be one column wide and break from any neighbour.
        int counted = 0;
        for (char32_t cp = 0; cp <= 0x10FFFF; ++cp) {
            if (!is_plain_narrow(cp)) continue;
            ++counted;
            const auto c = static_cast<utf8proc_int32_t>(cp);
            CHECK_MESSAGE(utf8proc_charwidth(c) == 1, static_cast<std::uint32_t>(cp));
            CHECK_MESSAGE(utf8proc_get_property(c)->boundclass == UTF8PROC_BOUNDCLASS_OTHER,
                          static_cast<std::uint32_t>(cp));
        }
        CHECK(counted == 95 + (0x17F - 0xA0 - 2) + 2 + 1 + 4 + 32 + 1);
        CHECK(display_width("███████▌░░") == 10);
        CHECK(display_width("◆ running-km · 2026 → …") == 23);
        CHECK(display_width("▃▅▆▁▆▅▇█") == 8);
        // Anything else beside them goes the long way: a combining accent joins the bar before it.
        CHECK(display_width("██\xcc\x81░") == 3);
        CHECK(display_width("█ 表") == 4);
        CHECK(display_width("█\xff") == 2);
    }

    TEST_CASE("output_unchanged is true exactly when escape_output leaves the text as it is") {
        // A writer skips escape_output (and its copy) when output_unchanged says so (issue 29):
        // every byte, at every place of texts that span several of its 16-byte looks.
        int wrong = 0;
        for (std::size_t length = 1; length <= 40; ++length)
            for (std::size_t at = 0; at < length; ++at)
                for (int byte = 0; byte < 256; ++byte) {
                    std::string text(length, 'a');
                    text[at] = static_cast<char>(byte);
                    const bool same = escape_output(text) == text;
                    if (output_unchanged(text) != same) {
                        ++wrong;
                        CHECK_MESSAGE(output_unchanged(text) == same,
                                      fmt::format("byte {:#x} at {} of {}", byte, at, length));
                    }
                }
        CHECK(wrong == 0);
        CHECK(output_unchanged(""));
        CHECK(output_unchanged("a table\twith tabs\nand lines\n"));
        CHECK(output_unchanged("███████▌░░  74%  · Sevilla → São Paulo\n"));
        CHECK_FALSE(output_unchanged("a bell \a in the middle of a long enough line\n"));
        CHECK_FALSE(output_unchanged("\x1b[1mbold\x1b[0m"));
        CHECK_FALSE(output_unchanged("zero\u200bwidth"));
    }

    TEST_CASE("truncating plain narrow text counts characters as the grapheme walk does") {
        // Text of is_plain_narrow characters is cut without a look at graphemes (issue 29); a
        // wide character at its end sends the same text the long way, which must cut it alike.
        CHECK(truncate_to_width("Café déjà vu", 8) == "Café dé…");
        CHECK(truncate_to_width("Café  déjà", 7) == "Café…");
        CHECK(truncate_to_width("naïve", 5) == "naïve");
        CHECK(truncate_to_width("███████▌░░ ok", 4) == "███…");
        const std::vector<std::string> texts = {"Hello world",       "Café déjà vu, naïve",
                                                "a  b  c  d",        "▃▅▆▁▆▅▇█ sparks",
                                                "— dash · dot → on", "  leading spaces"};
        for (const std::string& text : texts) {
            const std::size_t characters = display_width(text);
            for (std::size_t width = 1; width < characters; ++width)
                CHECK_MESSAGE(truncate_to_width(text + "表", width) ==
                                  truncate_to_width(text, width),
                              fmt::format("{} to {}", text, width));
        }
    }

} // TEST_SUITE
