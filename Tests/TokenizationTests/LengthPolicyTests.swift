import Support
import Testing

@testable import Tokenization

@Suite struct LengthPolicyTests {
    @Test func truncationLeavesRoomForTheMarkers() {
        let policy = LengthPolicy(maxLength: 6, overLength: .truncate, markers: .beginAndEnd)
        #expect(policy.bodyLimit == 4)
        #expect(policy.verdict(forLength: 0) == .empty)
        #expect(policy.verdict(forLength: 4) == .kept)
        #expect(policy.verdict(forLength: 9) == .truncated(to: 4))
        #expect(LengthPolicy(maxLength: 6, markers: .end).verdict(forLength: 6) == .truncated(to: 5))
        #expect(LengthPolicy(maxLength: 3, overLength: .drop).verdict(forLength: 4) == .tooLong)
        #expect(LengthPolicy().verdict(forLength: 1_000_000) == .kept)
        #expect(policy.shortestMaxLength == 3 && LengthPolicy(markers: .end).shortestMaxLength == 2)
    }

    @Test func markersGoOnAndComeOffOnlyWhereTheyAre() {
        let b = SpecialToken.begin.id, e = SpecialToken.end.id
        let cases: [(SequenceMarkers, [Int32])] = [(.none, [7, 8]), (.end, [7, 8, e]), (.beginAndEnd, [b, 7, 8, e])]
        for (markers, framed) in cases {
            var ids: [Int32] = []
            markers.appendOpening(to: &ids)
            ids += [7, 8]
            markers.appendClosing(to: &ids)
            #expect(ids == framed)
            #expect(markers.count == framed.count - 2)
            let body = ids.withUnsafeBufferPointer { markers.body(of: 0..<$0.count, in: $0) }
            #expect(Array(ids[body]) == [7, 8])
        }
        // A sequence without the markers is its own body.
        let bare: [Int32] = [7, 8, 9]
        #expect(bare.withUnsafeBufferPointer { SequenceMarkers.beginAndEnd.body(of: 0..<3, in: $0) } == 0..<3)
        #expect(bare.withUnsafeBufferPointer { SequenceMarkers.end.body(of: 1..<3, in: $0) } == 1..<3)
    }
}
