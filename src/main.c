/*
 * main.c - the command table, global options, and the mapping from results
 * to exit statuses. The only caller of exit().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fsx.h"
#include "base/json.h"
#include "base/log.h"
#include "base/mem.h"
#include "cmd/cmd.h"

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return 0;
}
