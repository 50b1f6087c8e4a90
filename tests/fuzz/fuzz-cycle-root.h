/* The director root of the Uptane vector "simple" (MIT, HERE Europe B.V.),
 * compact; the trusted root the cycle fuzzer starts from. */
#pragma once
static const char fuzz_director_root[] =
	"{\"signatures\":[{\"keyid\":"
	"\"d41ef086c81ce0b3fb303bd33d9b6bc12252d5c5b39745bbccaeb2c5a55869e3\""
	",\"method\":\"ed25519\",\"sig\":\"v9Kvo7mjW/"
	"DInOnmyvy8B88JFm3ZQHmzzaKeUOTLAmsbElf53MhL6wDxeaJTwA8"
	"iLOv0KpsjKrT+trS3l2RFCg==\"}],\"signed\":{\"_type\":\"Root\",\"consistent_snapshot\":"
	"false,\"expires"
	"\":\"2038-01-19T03:14:06Z\",\"keys\":{"
	"\"853a282b92fc1b19ad99ce6489c9b5e33e1676a7ef6608ea9a850354"
	"c11e7182\":{\"keytype\":\"ed25519\",\"keyval\":{\"public\":"
	"\"f136bead9092a5fb2b70fb9c9130798792f1395"
	"1225720ed9dacbaeec62bf233\"}},"
	"\"d41ef086c81ce0b3fb303bd33d9b6bc12252d5c5b39745bbccaeb2c5a558"
	"69e3\":{\"keytype\":\"ed25519\",\"keyval\":{\"public\":"
	"\"7d30b68fb20906ab09546cb343e8c189e6f5c2c40ea"
	"1836e55dbc46037983e52\"}}},\"roles\":{\"root\":{\"keyids\":["
	"\"d41ef086c81ce0b3fb303bd33d9b6bc12252"
	"d5c5b39745bbccaeb2c5a55869e3\"],\"threshold\":1},\"targets\":{\"keyids\":["
	"\"853a282b92fc1b19ad99ce"
	"6489c9b5e33e1676a7ef6608ea9a850354c11e7182\"],\"threshold\":1}},\"version\":1}}";
