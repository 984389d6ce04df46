#include "okr/io/trust.hpp"

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

using namespace okr::io;

TEST_SUITE("okr::trust") {

    TEST_CASE("SHA-256 of the standard test vectors") {
        CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        CHECK(sha256_hex("abc") ==
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
        CHECK(sha256_hex(std::string(1000000, 'a')) ==
              "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    }

    TEST_CASE("a source's hash changes with its command and with its file") {
        const std::string h = source_hash("/w/okr.toml", "echo 1");
        CHECK(h == source_hash("/w/okr.toml", "echo 1"));
        CHECK(h != source_hash("/w/okr.toml", "echo 1 "));
        CHECK(h != source_hash("/w/other.toml", "echo 1"));
        // The separator keeps file and command apart.
        CHECK(source_hash("/w/a", "b c") != source_hash("/w/a b", "c"));
    }

    TEST_CASE("the store's path follows XDG_DATA_HOME, else HOME") {
        CHECK(trust_store_path(std::string("/x/data"), std::string("/home/u")) ==
              "/x/data/okr/trust");
        CHECK(trust_store_path(std::nullopt, std::string("/home/u")) ==
              "/home/u/.local/share/okr/trust");
        // A relative XDG_DATA_HOME is ignored, as the XDG specification says.
        CHECK(trust_store_path(std::string("data"), std::string("/home/u")) ==
              "/home/u/.local/share/okr/trust");
        CHECK(trust_store_path(std::nullopt, std::nullopt).empty());
    }

    TEST_CASE("the store's text round-trips, and stray lines trust nothing") {
        TrustStore store;
        const std::string a = sha256_hex("a"), b = sha256_hex("b"), c = sha256_hex("c");
        store.roots["/w one"][a] = {{"metrics.sh", c}, {"my tools/m 100%.py", b}};
        store.roots["/w one"][b] = {};
        store.roots["/v"][a] = {};
        const TrustStore back = parse_trust_store(trust_store_text(store));
        CHECK(back.roots == store.roots);
        CHECK(back.check("/w one", b, {}).verdict == TrustCheck::Verdict::trusted);
        CHECK(back.check("/v", b, {}).verdict == TrustCheck::Verdict::new_source);
        const TrustStore junk = parse_trust_store(
            "garbage\n" + a.substr(1) + " /w\n" + a + " relative\n" + a + "\nsource " + a +
            " relative\nfile " + a + " " + b + " /abs /w\nfile " + a + " " + b + " x %zz\n");
        CHECK(junk.roots.empty());
        CHECK(junk.old_roots.empty());
    }

    TEST_CASE("a source is trusted only with exactly the files it was approved with") {
        TrustStore store;
        const std::string h = sha256_hex("h"), one = sha256_hex("1"), two = sha256_hex("2");
        store.roots["/w"][h] = {{"metrics.sh", one}, {"gone.sh", one}};
        CHECK(store.check("/w", h, {{"metrics.sh", one}, {"gone.sh", one}}).verdict ==
              TrustCheck::Verdict::trusted);
        const TrustCheck changed = store.check("/w", h, {{"metrics.sh", two}, {"new.py", one}});
        CHECK(changed.verdict == TrustCheck::Verdict::files_differ);
        using File = std::pair<std::string, std::string>;
        CHECK(changed.files ==
              std::vector<File>{{"metrics.sh", "changed"}, {"new.py", "new"}, {"gone.sh", "gone"}});
        CHECK(store.check("/other", h, {}).verdict == TrustCheck::Verdict::new_source);
    }

    TEST_CASE("an approval of the old, string-only store trusts nothing and is named as such") {
        const std::string h = source_hash("/w/okr.toml", "./metrics.sh");
        const TrustStore store = parse_trust_store("# okr trust store v1\n" + h + " /w a\n");
        CHECK(store.roots.empty());
        CHECK(store.check("/w a", h, {}).verdict == TrustCheck::Verdict::old_approval);
        // Kept when the store is written again, until that root is approved anew.
        CHECK(parse_trust_store(trust_store_text(store)).old_roots == store.old_roots);
    }

    // The words of `command`, each in brackets, so that a failed check shows both sides.
    std::string words_of(std::string_view command) {
        std::string out;
        for (const std::string& w : command_words(command))
            out += "[" + w + "]";
        return out;
    }

    TEST_CASE("the words of a command, as sh would split them, best effort") {
        CHECK(words_of("./metrics.sh signups") == "[./metrics.sh][signups]");
        CHECK(words_of("python3 'tools/my m.py'|tail -1;cat<in") ==
              "[python3][tools/my m.py][tools/my][m.py][tail][-1][cat][in]");
        CHECK(words_of(R"(sh -c "./a.sh \"b c\"" # ./not.sh)") ==
              R"([sh][-c][./a.sh "b c"][./a.sh][b c][b][c])");
        CHECK(words_of("x\\ y $(cat z) `w` --out=r.txt A=") ==
              "[x y][x][y][$][cat][z][w][--out=r.txt][r.txt][A=]");
        CHECK(words_of("(sleep 3; touch X) & echo 6") == "[sleep][3][touch][X][echo][6]");
        // The target of an output redirection is written, not run or read.
        CHECK(words_of("./m.sh >last.txt 2>> err.log 2>&1 <in; echo >| o") ==
              "[./m.sh][2][2][in][echo]");
        CHECK(words_of("").empty());
        CHECK(words_of("'unclosed") == "[unclosed]");
    }
}
