@testable import Demo
import Testing

/// The set the bank generator draws funded accounts from must answer exactly as the ascending
/// list it replaced (`indices.filter`), or every generated history would change.
@Suite("ordered index set")
struct OrderedIndexSetTests {
    @Test func countAndKthMemberEqualTheFilteredListUnderRandomChanges() {
        var rng = SplitMix64(seed: 99)
        var set = OrderedIndexSet()
        var member: [Bool] = []
        for step in 0..<5_000 {
            let size = 1 + step / 5
            let i = rng.below(size)
            let on = rng.chance(55)
            if i >= member.count { member += [Bool](repeating: false, count: i + 1 - member.count) }
            member[i] = on
            set.set(i, on)
            let list = member.indices.filter { member[$0] }
            #expect(set.count == list.count)
            if !list.isEmpty {
                let k = rng.below(list.count)
                #expect(set.element(at: k) == list[k], "step \(step), k \(k)")
                #expect(set.element(at: 0) == list[0] && set.element(at: list.count - 1) == list[list.count - 1])
            }
            #expect(set.contains(i) == on)
        }
    }
}
