// One Compose stack for the whole suite, its tests one after the other in the order they are written: the scaling and
// failure tests change the stack, and the last one takes it down.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
[assembly: TestCaseOrderer("Vitrine.Tests.Compose.InWrittenOrder", "Vitrine.Tests.Compose")]
