#include "okr/io/trust.hpp"

#include <doctest/doctest.h>

#include <string>

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
        const std::string a = sha256_hex("a"), b = sha256_hex("b");
        store.roots["/w one"] = {a, b};
        store.roots["/v"] = {a};
        const TrustStore back = parse_trust_store(trust_store_text(store));
        CHECK(back.roots == store.roots);
        CHECK(back.trusts("/w one", b));
        CHECK_FALSE(back.trusts("/v", b));
        const TrustStore junk =
            parse_trust_store("garbage\n" + a.substr(1) + " /w\n" + a + " relative\n" + a + "\n");
        CHECK(junk.roots.empty());
    }
}
