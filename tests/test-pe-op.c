#include "test-util.h"
static void placeholder(void) { CU_ASSERT(1); }
int main(void) { static const struct test tests[] = { TEST(placeholder) }; return RUN_SUITE("pe-op", tests); }
