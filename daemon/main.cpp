#include "app/main.hpp"

int main(int argc, char** argv) {
    return kibaru::app::main(argc, argv);
}
