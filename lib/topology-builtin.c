/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The built-in simulated host: two PHBs, eight PEs. PHB 0 has a dual-port
 * NIC (one multi-function device PE) and a bus PE behind a switch with two
 * NVMe child PEs; PHB 1 has an SR-IOV PF whose two VFs each have their own
 * PE, and a SAS adapter whose slot offers no fundamental reset (PAPR -8).
 * BUIDs follow QEMU's sPAPR placement (0x800000020000000 + index).
 */
#include "libeeh-private.h"

const char topology_builtin_json[] =
"{ \"format\": \"libeeh-topology-1\", \"max_freezes\": 5, \"phbs\": ["
"  { \"index\": 0, \"buid\": \"0x800000020000000\", \"domain\": 0, \"pes\": ["
"    { \"number\": 1, \"type\": \"device\", \"group\": 1, \"functions\": ["
"      { \"bdf\": \"0000:01:00.0\", \"vendor\": \"0x8086\", \"device\": \"0x1572\", \"class\": \"0x020000\","
"        \"bars\": [ { \"bar\": 0, \"addr\": \"0x80000000\", \"size\": \"0x800000\", \"flags\": [\"mem64\", \"prefetch\"] },"
"                  { \"bar\": 3, \"addr\": \"0x81000000\", \"size\": \"0x8000\", \"flags\": [\"mem64\", \"prefetch\"] } ] },"
"      { \"bdf\": \"0000:01:00.1\", \"vendor\": \"0x8086\", \"device\": \"0x1572\", \"class\": \"0x020000\","
"        \"bars\": [ { \"bar\": 0, \"addr\": \"0x80800000\", \"size\": \"0x800000\", \"flags\": [\"mem64\", \"prefetch\"] },"
"                  { \"bar\": 3, \"addr\": \"0x81008000\", \"size\": \"0x8000\", \"flags\": [\"mem64\", \"prefetch\"] } ] } ] },"
"    { \"number\": 2, \"type\": \"bus\", \"group\": 2, \"functions\": ["
"      { \"bdf\": \"0000:02:00.0\", \"vendor\": \"0x10b5\", \"device\": \"0x8725\", \"class\": \"0x088000\","
"        \"bars\": [ { \"bar\": 0, \"addr\": \"0x82000000\", \"size\": \"0x40000\" } ] } ] },"
"    { \"number\": 3, \"type\": \"device\", \"group\": 3, \"parent\": 2, \"functions\": ["
"      { \"bdf\": \"0000:03:00.0\", \"vendor\": \"0x144d\", \"device\": \"0xa808\", \"class\": \"0x010802\","
"        \"bars\": [ { \"bar\": 0, \"addr\": \"0x83000000\", \"size\": \"0x4000\", \"flags\": [\"mem64\"] } ] } ] },"
"    { \"number\": 4, \"type\": \"device\", \"group\": 4, \"parent\": 2, \"functions\": ["
"      { \"bdf\": \"0000:04:00.0\", \"vendor\": \"0x144d\", \"device\": \"0xa808\", \"class\": \"0x010802\","
"        \"bars\": [ { \"bar\": 0, \"addr\": \"0x84000000\", \"size\": \"0x4000\", \"flags\": [\"mem64\"] } ] } ] } ] },"
"  { \"index\": 1, \"buid\": \"0x800000020000001\", \"domain\": 1, \"pes\": ["
"    { \"number\": 1, \"type\": \"device\", \"group\": 5, \"functions\": ["
"      { \"bdf\": \"0001:01:00.0\", \"vendor\": \"0x15b3\", \"device\": \"0x1019\", \"class\": \"0x020000\","
"        \"bars\": [ { \"bar\": 0, \"addr\": \"0x600000000000\", \"size\": \"0x2000000\", \"flags\": [\"mem64\", \"prefetch\"] } ] } ] },"
"    { \"number\": 2, \"type\": \"vf\", \"group\": 6, \"functions\": ["
"      { \"bdf\": \"0001:01:00.2\", \"vendor\": \"0x15b3\", \"device\": \"0x101a\", \"class\": \"0x020000\","
"        \"physfn\": \"0001:01:00.0\","
"        \"bars\": [ { \"bar\": 0, \"addr\": \"0x600002000000\", \"size\": \"0x100000\", \"flags\": [\"mem64\", \"prefetch\"] } ] } ] },"
"    { \"number\": 3, \"type\": \"vf\", \"group\": 7, \"functions\": ["
"      { \"bdf\": \"0001:01:00.3\", \"vendor\": \"0x15b3\", \"device\": \"0x101a\", \"class\": \"0x020000\","
"        \"physfn\": \"0001:01:00.0\","
"        \"bars\": [ { \"bar\": 0, \"addr\": \"0x600002100000\", \"size\": \"0x100000\", \"flags\": [\"mem64\", \"prefetch\"] } ] } ] },"
"    { \"number\": 4, \"type\": \"device\", \"group\": 8, \"fundamental_reset\": false, \"functions\": ["
"      { \"bdf\": \"0001:02:00.0\", \"vendor\": \"0x1014\", \"device\": \"0x034a\", \"class\": \"0x010400\","
"        \"bars\": [ { \"bar\": 0, \"addr\": \"0x90000000\", \"size\": \"0x40000\" },"
"                  { \"bar\": 2, \"addr\": \"0x600010000000\", \"size\": \"0x40000\", \"flags\": [\"mem64\"] } ] } ] } ] } ] }";
