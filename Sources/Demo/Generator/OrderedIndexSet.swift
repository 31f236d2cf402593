/// A set of small non-negative integers that says how many it holds and which is the k-th
/// smallest in O(log n) (a Fenwick tree over membership), so a generator can draw uniformly
/// from "the accounts that have money" without filtering every account at every event: the
/// draw is the same as indexing the ascending list of members, so histories stay byte-for-byte
/// what the filtered list gave, while a 10,000,000-event history no longer slows down as its
/// accounts multiply.
struct OrderedIndexSet {
    private var member: [Bool] = []
    /// Fenwick tree, 1-based: `tree[j]` counts members in the `j & -j` indices ending at j − 1.
    private var tree: [Int] = [0]
    private(set) var count = 0

    func contains(_ i: Int) -> Bool { i >= 0 && i < member.count && member[i] }

    /// Adds (`on`) or removes `i`.
    mutating func set(_ i: Int, _ on: Bool) {
        precondition(i >= 0, "OrderedIndexSet: indices are non-negative")
        if i >= member.count { grow(to: i + 1) }
        guard member[i] != on else { return }
        member[i] = on
        count += on ? 1 : -1
        var j = i + 1
        while j < tree.count {
            tree[j] += on ? 1 : -1
            j += j & -j
        }
    }

    /// The member that is `k`-th in ascending order, counted from 0 (`k < count`).
    func element(at k: Int) -> Int {
        precondition(k >= 0 && k < count, "OrderedIndexSet: no member \(k) of \(count)")
        var position = 0
        var remaining = k + 1
        var step = 1
        while step * 2 < tree.count { step *= 2 }
        while step > 0 {
            let next = position + step
            if next < tree.count && tree[next] < remaining {
                position = next
                remaining -= tree[next]
            }
            step /= 2
        }
        return position  // the 1-based slot position + 1 is member index `position`
    }

    private mutating func grow(to needed: Int) {
        var capacity = max(16, member.count)
        while capacity < needed { capacity *= 2 }
        member += [Bool](repeating: false, count: capacity - member.count)
        tree = [Int](repeating: 0, count: capacity + 1)
        for (i, on) in member.enumerated() where on {
            var j = i + 1
            while j <= capacity {
                tree[j] += 1
                j += j & -j
            }
        }
    }
}
