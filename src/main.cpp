#include "okr/cli/app.hpp"

int main(int argc, char** argv) {
    return okr::cli::run(argc, argv);
}
