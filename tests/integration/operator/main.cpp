#include <cstdio>
#include <cstdlib>

#include <gtest/gtest.h>

// Ends the process without static destructors: once, in CI, a test binary whose tests had all
// passed hung at exit for two minutes, most likely in the teardown of cpprestsdk's static I/O
// thread pool while a connection-refused socket was still being retried. The tests' verdicts
// are final when RUN_ALL_TESTS returns.
int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  const int result = RUN_ALL_TESTS();
  std::fflush(nullptr);
  std::_Exit(result);
}
