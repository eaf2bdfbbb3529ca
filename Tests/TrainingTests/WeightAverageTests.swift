import NeuralCore
import Testing

@testable import Training

@Suite struct WeightAverageTests {
    func parameters() -> [NamedParameter] {
        [
            NamedParameter("a", Parameter(Tensor(shape: [2, 2], [1, 2, 3, 4]))),
            NamedParameter("frozen", Parameter(Tensor(shape: [3], [7, 8, 9]), trainable: false)),
            NamedParameter("b", Parameter(Tensor(shape: [1], [10])))
        ]
    }

    /// The mean of the steps absorbed, in the parameters only inside `withAveragedWeights`;
    /// frozen parameters are never touched.
    @Test func holdsTheMeanAndLendsItOnlyInsideTheCall() throws {
        let named = parameters()
        let average = WeightAverage(of: named)
        let a = named[0].parameter.value, b = named[2].parameter.value
        let steps: [([Float], Float)] = [([1, 2, 3, 4], 10), ([3, 2, 1, 0], 20), ([2, 5, 2, 5], 60)]
        for (values, scalar) in steps {
            for index in 0..<4 { a.data[index] = values[index] }
            b.data[0] = scalar
            average.absorb()
        }
        #expect(average.steps == 3)
        let seen = average.withAveragedWeights { (a.scalars, b.scalars, named[1].parameter.value.scalars) }
        // Each mean is within a few float roundings of the exact one.
        for (got, exact) in zip(seen.0, [2, 3, 2, 3] as [Float]) { #expect(abs(got - exact) <= 4 * exact.ulp) }
        #expect(abs(seen.1[0] - 30) <= 4 * Float(30).ulp)
        #expect(seen.2 == [7, 8, 9])
        // The training weights are back, also after a nested call and after a throw.
        #expect(a.scalars == [2, 5, 2, 5] && b.scalars == [60])
        let nested = average.withAveragedWeights { average.withAveragedWeights { b.data[0] } }
        #expect(abs(nested - 30) <= 4 * Float(30).ulp)
        struct Failure: Error {}
        #expect(throws: Failure.self) { try average.withAveragedWeights { throw Failure() } }
        #expect(a.scalars == [2, 5, 2, 5] && b.scalars == [60])
    }

    /// Before any step is absorbed the parameters keep the training weights; an average resumed
    /// with a count takes the parameters' values as its mean.
    @Test func emptyAndResumedAverages() {
        let named = parameters()
        let empty = WeightAverage(of: named)
        #expect(empty.withAveragedWeights { named[0].parameter.value.scalars } == [1, 2, 3, 4])
        let resumed = WeightAverage(of: named, steps: 4)
        named[0].parameter.value.data[0] = 6  // the training weights move on
        resumed.absorb()  // (4 · 1 + 6) / 5
        #expect(resumed.withAveragedWeights { named[0].parameter.value.data[0] } == 2)
    }
}
