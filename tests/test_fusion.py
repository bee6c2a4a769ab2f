from rag.fusion import reciprocal_rank_fusion


def test_item_ranked_well_by_both_lists_wins():
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["b", "d", "a"]], k=60)
    assert [i for i, _ in fused][:2] == ["b", "a"]
    assert fused[0][1] == 1 / 62 + 1 / 61


def test_single_list_keeps_order_and_empty_is_empty():
    assert [i for i, _ in reciprocal_rank_fusion([["x", "y", "z"]])] == ["x", "y", "z"]
    assert reciprocal_rank_fusion([[], []]) == []
